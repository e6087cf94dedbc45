//! A ZIP archive written as it goes, for downloads too large to hold in memory: entries are
//! stored (not compressed) and each size and CRC-32 comes in a data descriptor after the
//! entry's data (general-purpose flag bit 3), so nothing needs to be known in advance nor
//! written twice. Limits: no ZIP64, so each entry and the archive stay under 4 GiB.

/// The archive's state between chunks; the caller sends every returned byte, in order.
#[derive(Default)]
pub struct ZipStream {
    offset: u64,
    entries: Vec<Entry>,
    current: Option<(Entry, crc32fast::Hasher)>,
}

struct Entry {
    name: String,
    offset: u64,
    crc: u32,
    size: u64,
}

const FLAGS: u16 = 0x0008 | 0x0800; // data descriptor; UTF-8 names
const VERSION: u16 = 20;

impl ZipStream {
    /// Opens an entry: its local header.
    pub fn start(&mut self, name: &str) -> Vec<u8> {
        let mut h = Vec::with_capacity(30 + name.len());
        h.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        h.extend_from_slice(&VERSION.to_le_bytes());
        h.extend_from_slice(&FLAGS.to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes()); // stored
        h.extend_from_slice(&dos_time().to_le_bytes());
        h.extend_from_slice(&[0; 12]); // crc, sizes: in the data descriptor
        h.extend_from_slice(&(name.len() as u16).to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(name.as_bytes());
        let entry = Entry {
            name: name.to_string(),
            offset: self.offset,
            crc: 0,
            size: 0,
        };
        self.current = Some((entry, crc32fast::Hasher::new()));
        self.offset += h.len() as u64;
        h
    }

    /// Counts a chunk of the open entry's data (sent as it is).
    pub fn data(&mut self, bytes: &[u8]) {
        if let Some((entry, hasher)) = &mut self.current {
            hasher.update(bytes);
            entry.size += bytes.len() as u64;
            self.offset += bytes.len() as u64;
        }
    }

    /// Closes the open entry: its data descriptor.
    pub fn finish_entry(&mut self) -> Vec<u8> {
        let Some((mut entry, hasher)) = self.current.take() else {
            return Vec::new();
        };
        entry.crc = hasher.finalize();
        let mut d = Vec::with_capacity(16);
        d.extend_from_slice(&0x0807_4b50u32.to_le_bytes());
        d.extend_from_slice(&entry.crc.to_le_bytes());
        d.extend_from_slice(&(entry.size as u32).to_le_bytes());
        d.extend_from_slice(&(entry.size as u32).to_le_bytes());
        self.offset += d.len() as u64;
        self.entries.push(entry);
        d
    }

    /// The central directory and its end record.
    pub fn finish(mut self) -> Vec<u8> {
        let mut out = self.finish_entry();
        // `finish_entry` counted its descriptor in `offset` already.
        let start = self.offset;
        let mut dir = Vec::new();
        for e in &self.entries {
            dir.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            dir.extend_from_slice(&VERSION.to_le_bytes()); // made by
            dir.extend_from_slice(&VERSION.to_le_bytes()); // needed
            dir.extend_from_slice(&FLAGS.to_le_bytes());
            dir.extend_from_slice(&0u16.to_le_bytes());
            dir.extend_from_slice(&dos_time().to_le_bytes());
            dir.extend_from_slice(&e.crc.to_le_bytes());
            dir.extend_from_slice(&(e.size as u32).to_le_bytes());
            dir.extend_from_slice(&(e.size as u32).to_le_bytes());
            dir.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            dir.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attributes
            dir.extend_from_slice(&0u32.to_le_bytes()); // external attributes
            dir.extend_from_slice(&(e.offset as u32).to_le_bytes());
            dir.extend_from_slice(e.name.as_bytes());
        }
        out.extend_from_slice(&dir);
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0; 4]); // disk numbers
        out.extend_from_slice(&(self.entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(self.entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(dir.len() as u32).to_le_bytes());
        out.extend_from_slice(&(start as u32).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }
}

/// Now, as MS-DOS writes times (local fields; UTC here): the low half is the time, the high
/// half the date.
fn dos_time() -> u32 {
    use chrono::{Datelike, Timelike};
    let t = chrono::Utc::now();
    let date = (((t.year() - 1980).max(0) as u32) << 9) | (t.month() << 5) | t.day();
    let time = (t.hour() << 11) | (t.minute() << 5) | (t.second() / 2);
    (date << 16) | time
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_headers_and_directory_line_up() {
        let mut z = ZipStream::default();
        let mut out = z.start("a.txt");
        z.data(b"hello ");
        out.extend_from_slice(b"hello ");
        z.data(b"world");
        out.extend_from_slice(b"world");
        out.extend(z.finish_entry());
        out.extend(z.start("b.json"));
        out.extend(z.finish());
        // Local header, descriptor, second header, directory, end record.
        assert_eq!(&out[..4], b"PK\x03\x04");
        let descriptor = 30 + 5 + 11;
        assert_eq!(&out[descriptor..descriptor + 4], b"PK\x07\x08");
        let crc = u32::from_le_bytes(out[descriptor + 4..descriptor + 8].try_into().unwrap());
        assert_eq!(crc, crc32fast::hash(b"hello world"));
        let end = out.len() - 22;
        assert_eq!(&out[end..end + 4], b"PK\x05\x06");
        let entries = u16::from_le_bytes(out[end + 10..end + 12].try_into().unwrap());
        assert_eq!(entries, 2);
        let dir_at = u32::from_le_bytes(out[end + 16..end + 20].try_into().unwrap()) as usize;
        assert_eq!(&out[dir_at..dir_at + 4], b"PK\x01\x02");
    }
}
