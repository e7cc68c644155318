//! Talking to the OpenAI-compatible endpoint. For now: the settings view's connection check;
//! the streamed interpretation (issue 4) builds on the same client and error classes.

pub mod client;
pub mod commands;

use crate::error::{Error, Result};
use crate::secrets::Secrets;
use crate::settings::Settings;

pub use client::{check_endpoint, CheckOk, Endpoint};

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
