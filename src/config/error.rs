//! What is wrong with the configuration, naming the variable (in its own file: the parts
//! the configuration reads, such as the push keys, name it without reading the rest).

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("missing required environment variable {0}")]
    Missing(&'static str),
    #[error("environment variable {name} has an invalid value {value:?}: {reason}")]
    Invalid {
        name: &'static str,
        value: String,
        reason: String,
    },
}
