//! Lambda functions as configured (`GetFunctionConfiguration`,
//! `ListFunctions`, `ListProvisionedConcurrencyConfigs`), for `check`.

use super::contact_flow::FunctionRef;
use super::conventions::DEFAULT_FUNCTION_TIMEOUT_S;
use std::collections::{BTreeMap, BTreeSet};

/// One function's configuration, as far as the source gave it. Every
/// field but the name may be unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionDefinition {
    pub name: String,
    pub arn: Option<String>,
    /// The alias or version this configuration is of, when the document
    /// says (a qualified `FunctionArn`); `None`: the unqualified function
    /// (`$LATEST`).
    pub qualifier: Option<String>,
    pub runtime: Option<String>,
    /// `Timeout` in seconds as given; `None`: absent (Lambda's default).
    pub timeout_s: Option<u32>,
    pub memory_mb: Option<u32>,
    /// `VpcConfig` names subnets.
    pub vpc_attached: bool,
    /// `SnapStart.ApplyOn` is `PublishedVersions`.
    pub snap_start: bool,
    /// `Active`, `Inactive`, `Pending`, `Failed`...
    pub state: Option<String>,
    pub state_reason: Option<String>,
    /// `Successful`, `Failed`, `InProgress`.
    pub last_update_status: Option<String>,
    /// `get-function`'s `Concurrency.ReservedConcurrentExecutions`.
    pub reserved_concurrency: Option<u32>,
    /// Where it came from, for messages.
    pub origin: String,
}

impl FunctionDefinition {
    /// A configuration that says nothing but the name.
    pub fn named(name: &str, origin: &str) -> Self {
        FunctionDefinition {
            name: name.to_string(),
            arn: None,
            qualifier: None,
            runtime: None,
            timeout_s: None,
            memory_mb: None,
            vpc_attached: false,
            snap_start: false,
            state: None,
            state_reason: None,
            last_update_status: None,
            reserved_concurrency: None,
            origin: origin.to_string(),
        }
    }

    /// The timeout Lambda applies: the configured one, or its default.
    pub fn timeout_ms(&self) -> u32 {
        self.timeout_s
            .unwrap_or(DEFAULT_FUNCTION_TIMEOUT_S)
            .saturating_mul(1000)
    }

    /// The configuration gave no `Timeout`: Lambda's default applies.
    pub fn timeout_defaulted(&self) -> bool {
        self.timeout_s.is_none()
    }

    fn key(&self) -> FunctionRef {
        FunctionRef::new(self.name.clone(), self.qualifier.clone())
    }
}

/// What a source knows of the functions the flows call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FunctionCatalog {
    /// By function and qualifier (`None`: `$LATEST`).
    pub configs: BTreeMap<FunctionRef, FunctionDefinition>,
    /// The aliases and versions with provisioned concurrency.
    pub provisioned: BTreeSet<FunctionRef>,
    /// Functions (or qualifiers) the source knows do not exist or cannot
    /// be read, with why.
    pub missing: BTreeMap<FunctionRef, String>,
}

impl FunctionCatalog {
    /// Keep a configuration; a later one of the same function and
    /// qualifier replaces an earlier one (documents are read in order).
    pub fn add(&mut self, config: FunctionDefinition) {
        self.configs.insert(config.key(), config);
    }

    /// The configuration a call runs with: the qualifier's own when known,
    /// else the unqualified function's. The flag says whether it is the
    /// qualifier's own.
    pub fn config_for(&self, call: &FunctionRef) -> Option<(&FunctionDefinition, bool)> {
        if let Some(own) = self.configs.get(call) {
            return Some((own, true));
        }
        let unqualified = FunctionRef::new(call.name.clone(), None);
        self.configs
            .get(&unqualified)
            .map(|c| (c, call.qualifier.is_none()))
    }

    /// Whether provisioned concurrency is configured on what the call
    /// invokes (never on `$LATEST`).
    pub fn has_provisioned(&self, call: &FunctionRef) -> bool {
        !call.is_latest() && self.provisioned.contains(call)
    }

    /// The functions configured, by name.
    pub fn function_names(&self) -> BTreeSet<&str> {
        self.configs.keys().map(|k| k.name.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_qualified_call_falls_back_to_the_unqualified_configuration() {
        let mut catalog = FunctionCatalog::default();
        let mut latest = FunctionDefinition::named("crm", "f.json");
        latest.timeout_s = Some(3);
        catalog.add(latest);
        let live = FunctionRef::new("crm", Some("live".into()));
        let (config, own) = catalog.config_for(&live).expect("found");
        assert_eq!((config.timeout_ms(), own), (3000, false));
        let mut aliased = FunctionDefinition::named("crm", "g.json");
        aliased.qualifier = Some("live".into());
        catalog.add(aliased);
        let (config, own) = catalog.config_for(&live).expect("found");
        assert_eq!(
            (config.timeout_ms(), config.timeout_defaulted(), own),
            (3000, true, true)
        );
        assert!(catalog
            .config_for(&FunctionRef::new("other", None))
            .is_none());
    }

    #[test]
    fn provisioned_concurrency_never_covers_latest() {
        let mut catalog = FunctionCatalog::default();
        catalog
            .provisioned
            .insert(FunctionRef::new("crm", Some("live".into())));
        assert!(catalog.has_provisioned(&FunctionRef::new("crm", Some("live".into()))));
        assert!(!catalog.has_provisioned(&FunctionRef::new("crm", None)));
        assert!(!catalog.has_provisioned(&FunctionRef::new("crm", Some("$LATEST".into()))));
    }
}
