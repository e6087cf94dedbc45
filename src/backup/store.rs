//! Where backups are kept: a local directory (one machine) or an S3-compatible bucket
//! (`BACKUP_STORE=s3://bucket/prefix`, with `BACKUP_S3_*`), behind one interface
//! (`object_store`). Objects are `daily/YYYY-MM-DD.dump.age`, `weekly/YYYY-MM-DD.dump.age`
//! and `manual/<timestamp>.dump.age` (the date is São Paulo's); for point-in-time recovery,
//! `base/<UTC time>.tar.age` and `wal/<segment>.age` (`wal`).

use crate::secret::Secret;
use futures::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectMeta, ObjectStore};
use std::path::Path;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `BACKUP_STORE` and its S3 settings, as configured.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// A directory, or `s3://bucket[/prefix]`.
    pub location: String,
    pub s3_endpoint: Option<String>,
    pub s3_region: String,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<Secret>,
}

#[derive(Clone)]
pub struct BackupStore {
    store: Arc<dyn ObjectStore>,
    /// Inside the bucket (S3's prefix), or "" for a directory.
    prefix: String,
    /// For messages: where this is.
    pub shown: String,
}

impl std::fmt::Debug for BackupStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl BackupStore {
    pub fn open(config: &StoreConfig) -> Result<Self, object_store::Error> {
        if let Some(rest) = config.location.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let mut builder = AmazonS3Builder::new()
                .with_bucket_name(bucket)
                .with_region(&config.s3_region);
            if let Some(endpoint) = &config.s3_endpoint {
                // MinIO, Ceph, a provider's own endpoint: path-style addresses, and plain
                // HTTP only when the endpoint itself says so (a server on loopback).
                builder = builder
                    .with_endpoint(endpoint)
                    .with_virtual_hosted_style_request(false)
                    .with_allow_http(endpoint.starts_with("http://"));
            }
            if let Some(id) = &config.s3_access_key_id {
                builder = builder.with_access_key_id(id);
            }
            if let Some(secret) = &config.s3_secret_access_key {
                builder = builder.with_secret_access_key(secret.expose());
            }
            Ok(Self {
                store: Arc::new(builder.build()?),
                prefix: prefix.trim_matches('/').to_string(),
                shown: config.location.clone(),
            })
        } else {
            std::fs::create_dir_all(&config.location).map_err(|e| {
                object_store::Error::Generic {
                    store: "diretório",
                    source: Box::new(e),
                }
            })?;
            Ok(Self {
                store: Arc::new(LocalFileSystem::new_with_prefix(&config.location)?),
                prefix: String::new(),
                shown: config.location.clone(),
            })
        }
    }

    fn path(&self, key: &str) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(key)
        } else {
            ObjectPath::from(format!("{}/{key}", self.prefix))
        }
    }

    /// The key of a stored object, without the prefix.
    fn key(&self, meta: &ObjectMeta) -> String {
        let full = meta.location.to_string();
        match full.strip_prefix(&format!("{}/", self.prefix)) {
            Some(key) if !self.prefix.is_empty() => key.to_string(),
            _ => full,
        }
    }

    /// Uploads the file at `from` as `key`, in parts (a dump may be gigabytes).
    pub async fn upload(&self, from: &Path, key: &str) -> Result<u64, object_store::Error> {
        let mut file = tokio::fs::File::open(from)
            .await
            .map_err(|e| generic(e.into()))?;
        let mut writer = object_store::buffered::BufWriter::new(self.store.clone(), self.path(key));
        let mut buf = vec![0u8; 1 << 20];
        let mut total = 0u64;
        loop {
            let n = file.read(&mut buf).await.map_err(|e| generic(e.into()))?;
            if n == 0 {
                break;
            }
            writer
                .write_all(&buf[..n])
                .await
                .map_err(|e| generic(e.into()))?;
            total += n as u64;
        }
        writer.shutdown().await.map_err(|e| generic(e.into()))?;
        Ok(total)
    }

    /// Stores `bytes` as `key` at once (a WAL segment: 16 MB).
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), object_store::Error> {
        self.store
            .put(&self.path(key), object_store::PutPayload::from(bytes))
            .await?;
        Ok(())
    }

    /// Downloads `key` into the file at `to`.
    pub async fn download(&self, key: &str, to: &Path) -> Result<(), object_store::Error> {
        let mut stream = self.store.get(&self.path(key)).await?.into_stream();
        let mut file = tokio::fs::File::create(to)
            .await
            .map_err(|e| generic(e.into()))?;
        while let Some(chunk) = stream.try_next().await? {
            file.write_all(&chunk)
                .await
                .map_err(|e| generic(e.into()))?;
        }
        file.flush().await.map_err(|e| generic(e.into()))?;
        Ok(())
    }

    /// The objects under `folder` ("daily", "weekly", "manual"), oldest first.
    pub async fn list(
        &self,
        folder: &str,
    ) -> Result<Vec<(String, ObjectMeta)>, object_store::Error> {
        let mut found: Vec<(String, ObjectMeta)> = self
            .store
            .list(Some(&self.path(folder)))
            .map_ok(|meta| (self.key(&meta), meta))
            .try_collect()
            .await?;
        found.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(found)
    }

    pub async fn exists(&self, key: &str) -> Result<bool, object_store::Error> {
        match self.store.head(&self.path(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub async fn delete(&self, key: &str) -> Result<(), object_store::Error> {
        self.store.delete(&self.path(key)).await
    }
}

fn generic(e: Box<dyn std::error::Error + Send + Sync>) -> object_store::Error {
    object_store::Error::Generic {
        store: "backup",
        source: e,
    }
}
