//! Talking to the OpenAI-compatible endpoint: the streamed interpretation (request, SSE parsing,
//! events, persistence) and the settings view's connection check, on one client and error classes.

pub mod client;
pub mod commands;
pub mod delta;
pub mod mailbox;
pub mod prompt;
pub mod runner;
pub mod service;
pub mod think;

use crate::error::{Error, Result};
use crate::secrets::Secrets;
use crate::settings::{Provider, Settings};

pub use client::{check_endpoint, list_models, CheckOk, Endpoint};
pub use service::{Interpreter, StartRequest, Started};

/// The endpoint the saved settings describe, with the provider's key from the keychain.
pub async fn endpoint_from(settings: &Settings, secrets: &Secrets) -> Result<Endpoint> {
    endpoint_for(
        settings,
        settings.provider,
        &settings.base_url,
        &settings.model,
        secrets,
    )
    .await
}

/// The endpoint for `provider` at `base_url` (normalised here), with its key from the keychain.
/// `settings` gives the confirmations and the custom provider's key header.
pub async fn endpoint_for(
    settings: &Settings,
    provider: Provider,
    base_url: &str,
    model: &str,
    secrets: &Secrets,
) -> Result<Endpoint> {
    let base_url = crate::settings::normalize_base_url(base_url)?;
    if settings.local_only {
        // Refused before any connection, and before any name is looked up.
        crate::settings::require_local(&base_url)?;
        resolves_locally(&base_url).await?;
    }
    crate::settings::require_secure(&base_url, settings.allow_insecure_http)?;
    let auth = match provider {
        Provider::Custom => settings.auth_header,
        p => p.preset().auth,
    };
    let secrets = secrets.clone();
    let id = provider.id();
    let needs_key = provider.preset().needs_key;
    let key = match tokio::task::spawn_blocking(move || secrets.key(id)).await? {
        // A server on this computer needs no key: no keychain (a bare Linux session, the command
        // line over ssh) must not keep the dream from being read.
        Err(Error::KeychainUnavailable(_)) if !needs_key => None,
        other => other?,
    };
    Ok(Endpoint {
        base_url,
        model: model.to_string(),
        key,
        local: provider.preset().local,
        local_only: settings.local_only,
        auth,
    })
}

/// A local-looking name that resolves only to public addresses is refused with local-only mode's
/// own message now, rather than as a failed connection later (`client::LocalOnly` enforces it
/// again when connecting).
async fn resolves_locally(base_url: &str) -> Result<()> {
    let Ok(url) = url::Url::parse(base_url) else {
        return Err(Error::NotLocal);
    };
    let (Some(url::Host::Domain(name)), Some(port)) = (url.host(), url.port_or_known_default())
    else {
        return Ok(()); // an IP address, already checked
    };
    // A name that does not resolve at all is the server being off: told as such when connecting.
    let Ok(found) = tokio::net::lookup_host((name, port)).await else {
        return Ok(());
    };
    let ips: Vec<std::net::IpAddr> = found.map(|a| a.ip()).collect();
    match ips.iter().any(|ip| crate::settings::is_local_ip(*ip)) {
        true => Ok(()),
        false => Err(Error::NotLocal),
    }
}
