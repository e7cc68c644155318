//! Talking to the OpenAI-compatible endpoint: the streamed interpretation (request, SSE parsing,
//! events, persistence) and the settings view's connection check, on one client and error classes.

pub mod client;
pub mod commands;
pub mod delta;
pub mod events;
pub mod prompt;
pub mod runner;
pub mod service;
pub mod store;

use crate::error::{Error, Result};
use crate::secrets::Secrets;
use crate::settings::Settings;

pub use client::{check_endpoint, CheckOk, Endpoint};
pub use service::{Interpreter, StartRequest, Started};

/// The endpoint the saved settings describe, with the provider's key from the keychain.
pub async fn endpoint_from(settings: &Settings, secrets: &Secrets) -> Result<Endpoint> {
    let secrets = secrets.clone();
    let provider = settings.provider.id();
    let key = tokio::task::spawn_blocking(move || secrets.key(provider))
        .await
        .map_err(|e| Error::Internal(format!("keychain task failed: {e}")))??;
    Ok(Endpoint {
        base_url: settings.base_url.clone(),
        model: settings.model.clone(),
        key,
        local: settings.provider.preset().local,
    })
}
