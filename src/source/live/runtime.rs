//! The async runtime a live run blocks on, and Ctrl-C: once pressed, every
//! wait ends with `SourceError::Interrupted`.

use crate::source::SourceError;
use tokio::runtime::Runtime;
use tokio::sync::watch;

pub(super) fn runtime() -> Result<Runtime, SourceError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| SourceError::Config(format!("cannot start the async runtime: {e}")))
}

/// Listen for Ctrl-C for the whole run (once the handler is installed, a
/// Ctrl-C between queries must not be lost): the flag turns true for good.
pub(super) fn listen_for_ctrl_c(rt: &Runtime) -> watch::Receiver<bool> {
    let (tx, rx) = watch::channel(false);
    rt.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = tx.send(true);
        }
    });
    rx
}

/// Run `fut` to completion unless Ctrl-C comes first.
pub(super) fn block_or_interrupt<T>(
    rt: &Runtime,
    ctrl_c: &watch::Receiver<bool>,
    fut: impl std::future::Future<Output = T>,
) -> Result<T, SourceError> {
    rt.block_on(async {
        tokio::select! {
            out = fut => Ok(out),
            _ = interrupted(ctrl_c.clone()) => Err(SourceError::Interrupted),
        }
    })
}

/// Resolves once Ctrl-C was pressed (never, if the handler could not be
/// installed).
pub(super) async fn interrupted(mut rx: watch::Receiver<bool>) {
    if rx.wait_for(|pressed| *pressed).await.is_err() {
        std::future::pending::<()>().await;
    }
}
