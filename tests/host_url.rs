//! Host tests of the URL rules: every URL form with its exact string, and a table of attacks.

use baseten_edge::core::error::ErrorKind;
use baseten_edge::core::url::Environment::{Default, Deployment, Development, Named, Production};
use baseten_edge::core::url::Route::{
    AsyncPredict, AsyncQueueStatus, AsyncRequest, AsyncRunRemote, OpenAiBase, Predict, RunRemote,
    Sync, Wake,
};
use baseten_edge::core::url::Target::{Chain, Model};
use baseten_edge::core::url::{
    join, normalize_base_url, normalize_base_url_named, Endpoint, EndpointConfig, Environment,
    Route, Target, MODEL_APIS_BASE,
};

type Want = Result<&'static str, &'static str>;

fn cfg(target: Option<Target>, environment: Environment) -> EndpointConfig {
    EndpointConfig {
        target,
        environment,
        ..EndpointConfig::default()
    }
}

/// `Ok(url)` must match exactly; `Err(s)` must be a configuration error whose message holds `s`.
fn check(what: &str, got: Result<String, baseten_edge::core::error::Error>, want: Want) {
    match (got, want) {
        (Ok(url), Ok(w)) => assert_eq!(url, w, "{what}"),
        (Err(e), Err(w)) => {
            assert_eq!(e.kind, ErrorKind::Configuration, "{what}: {e}");
            assert!(e.message.contains(w), "{what}: {e:?} should mention {w:?}");
        }
        (got, want) => panic!("{what}: got {got:?}, want {want:?}"),
    }
}

#[test]
fn every_target_environment_and_route() {
    #[rustfmt::skip]
    let table: &[(Target, Environment, Route, Want)] = &[
        (Model("abc123".into()), Default, Predict, Ok("https://model-abc123.api.baseten.co/environments/production/predict")),
        (Model("abc123".into()), Default, AsyncPredict, Ok("https://model-abc123.api.baseten.co/environments/production/async_predict")),
        (Model("abc123".into()), Default, AsyncRequest("req_1"), Ok("https://model-abc123.api.baseten.co/async_request/req_1")),
        (Model("abc123".into()), Default, AsyncQueueStatus, Ok("https://model-abc123.api.baseten.co/environments/production/async_queue_status")),
        (Model("abc123".into()), Default, Wake, Ok("https://model-abc123.api.baseten.co/environments/production/wake")),
        (Model("abc123".into()), Default, Sync("v1/models"), Ok("https://model-abc123.api.baseten.co/environments/production/sync/v1/models")),
        (Model("abc123".into()), Default, RunRemote, Err("chain endpoints")),
        (Model("abc123".into()), Default, AsyncRunRemote, Err("chain endpoints")),
        (Model("abc123".into()), Default, OpenAiBase, Ok("https://model-abc123.api.baseten.co/environments/production/sync/v1")),
        (Model("abc123".into()), Named("staging".into()), Predict, Ok("https://model-abc123.api.baseten.co/environments/staging/predict")),
        (Model("abc123".into()), Named("staging".into()), AsyncPredict, Ok("https://model-abc123.api.baseten.co/environments/staging/async_predict")),
        (Model("abc123".into()), Named("staging".into()), AsyncRequest("req_1"), Ok("https://model-abc123.api.baseten.co/async_request/req_1")),
        (Model("abc123".into()), Named("staging".into()), AsyncQueueStatus, Ok("https://model-abc123.api.baseten.co/environments/staging/async_queue_status")),
        (Model("abc123".into()), Named("staging".into()), Wake, Ok("https://model-abc123.api.baseten.co/environments/staging/wake")),
        (Model("abc123".into()), Named("staging".into()), Sync("v1/models"), Ok("https://model-abc123.api.baseten.co/environments/staging/sync/v1/models")),
        (Model("abc123".into()), Named("staging".into()), RunRemote, Err("chain endpoints")),
        (Model("abc123".into()), Named("staging".into()), AsyncRunRemote, Err("chain endpoints")),
        (Model("abc123".into()), Named("staging".into()), OpenAiBase, Ok("https://model-abc123.api.baseten.co/environments/staging/sync/v1")),
        (Model("abc123".into()), Production, Predict, Ok("https://model-abc123.api.baseten.co/production/predict")),
        (Model("abc123".into()), Production, AsyncPredict, Ok("https://model-abc123.api.baseten.co/production/async_predict")),
        (Model("abc123".into()), Production, AsyncRequest("req_1"), Ok("https://model-abc123.api.baseten.co/async_request/req_1")),
        (Model("abc123".into()), Production, AsyncQueueStatus, Ok("https://model-abc123.api.baseten.co/production/async_queue_status")),
        (Model("abc123".into()), Production, Wake, Ok("https://model-abc123.api.baseten.co/production/wake")),
        (Model("abc123".into()), Production, Sync("v1/models"), Ok("https://model-abc123.api.baseten.co/production/sync/v1/models")),
        (Model("abc123".into()), Production, RunRemote, Err("chain endpoints")),
        (Model("abc123".into()), Production, AsyncRunRemote, Err("chain endpoints")),
        (Model("abc123".into()), Production, OpenAiBase, Ok("https://model-abc123.api.baseten.co/production/sync/v1")),
        (Model("abc123".into()), Development, Predict, Ok("https://model-abc123.api.baseten.co/development/predict")),
        (Model("abc123".into()), Development, AsyncPredict, Ok("https://model-abc123.api.baseten.co/development/async_predict")),
        (Model("abc123".into()), Development, AsyncRequest("req_1"), Ok("https://model-abc123.api.baseten.co/async_request/req_1")),
        (Model("abc123".into()), Development, AsyncQueueStatus, Ok("https://model-abc123.api.baseten.co/development/async_queue_status")),
        (Model("abc123".into()), Development, Wake, Ok("https://model-abc123.api.baseten.co/development/wake")),
        (Model("abc123".into()), Development, Sync("v1/models"), Ok("https://model-abc123.api.baseten.co/development/sync/v1/models")),
        (Model("abc123".into()), Development, RunRemote, Err("chain endpoints")),
        (Model("abc123".into()), Development, AsyncRunRemote, Err("chain endpoints")),
        (Model("abc123".into()), Development, OpenAiBase, Ok("https://model-abc123.api.baseten.co/development/sync/v1")),
        (Model("abc123".into()), Deployment("dep42".into()), Predict, Ok("https://model-abc123.api.baseten.co/deployment/dep42/predict")),
        (Model("abc123".into()), Deployment("dep42".into()), AsyncPredict, Ok("https://model-abc123.api.baseten.co/deployment/dep42/async_predict")),
        (Model("abc123".into()), Deployment("dep42".into()), AsyncRequest("req_1"), Ok("https://model-abc123.api.baseten.co/async_request/req_1")),
        (Model("abc123".into()), Deployment("dep42".into()), AsyncQueueStatus, Ok("https://model-abc123.api.baseten.co/deployment/dep42/async_queue_status")),
        (Model("abc123".into()), Deployment("dep42".into()), Wake, Ok("https://model-abc123.api.baseten.co/deployment/dep42/wake")),
        (Model("abc123".into()), Deployment("dep42".into()), Sync("v1/models"), Ok("https://model-abc123.api.baseten.co/deployment/dep42/sync/v1/models")),
        (Model("abc123".into()), Deployment("dep42".into()), RunRemote, Err("chain endpoints")),
        (Model("abc123".into()), Deployment("dep42".into()), AsyncRunRemote, Err("chain endpoints")),
        (Model("abc123".into()), Deployment("dep42".into()), OpenAiBase, Ok("https://model-abc123.api.baseten.co/deployment/dep42/sync/v1")),
        (Chain("ch_9-x".into()), Default, Predict, Ok("https://chain-ch_9-x.api.baseten.co/environments/production/run_remote")),
        (Chain("ch_9-x".into()), Default, AsyncPredict, Ok("https://chain-ch_9-x.api.baseten.co/environments/production/async_run_remote")),
        (Chain("ch_9-x".into()), Default, AsyncRequest("req_1"), Ok("https://chain-ch_9-x.api.baseten.co/async_request/req_1")),
        (Chain("ch_9-x".into()), Default, AsyncQueueStatus, Ok("https://chain-ch_9-x.api.baseten.co/environments/production/async_queue_status")),
        (Chain("ch_9-x".into()), Default, Wake, Ok("https://chain-ch_9-x.api.baseten.co/environments/production/wake")),
        (Chain("ch_9-x".into()), Default, Sync("v1/models"), Ok("https://chain-ch_9-x.api.baseten.co/environments/production/sync/v1/models")),
        (Chain("ch_9-x".into()), Default, RunRemote, Ok("https://chain-ch_9-x.api.baseten.co/environments/production/run_remote")),
        (Chain("ch_9-x".into()), Default, AsyncRunRemote, Ok("https://chain-ch_9-x.api.baseten.co/environments/production/async_run_remote")),
        (Chain("ch_9-x".into()), Default, OpenAiBase, Ok("https://chain-ch_9-x.api.baseten.co/environments/production/sync/v1")),
        (Chain("ch_9-x".into()), Named("staging".into()), Predict, Ok("https://chain-ch_9-x.api.baseten.co/environments/staging/run_remote")),
        (Chain("ch_9-x".into()), Named("staging".into()), AsyncPredict, Ok("https://chain-ch_9-x.api.baseten.co/environments/staging/async_run_remote")),
        (Chain("ch_9-x".into()), Named("staging".into()), AsyncRequest("req_1"), Ok("https://chain-ch_9-x.api.baseten.co/async_request/req_1")),
        (Chain("ch_9-x".into()), Named("staging".into()), AsyncQueueStatus, Ok("https://chain-ch_9-x.api.baseten.co/environments/staging/async_queue_status")),
        (Chain("ch_9-x".into()), Named("staging".into()), Wake, Ok("https://chain-ch_9-x.api.baseten.co/environments/staging/wake")),
        (Chain("ch_9-x".into()), Named("staging".into()), Sync("v1/models"), Ok("https://chain-ch_9-x.api.baseten.co/environments/staging/sync/v1/models")),
        (Chain("ch_9-x".into()), Named("staging".into()), RunRemote, Ok("https://chain-ch_9-x.api.baseten.co/environments/staging/run_remote")),
        (Chain("ch_9-x".into()), Named("staging".into()), AsyncRunRemote, Ok("https://chain-ch_9-x.api.baseten.co/environments/staging/async_run_remote")),
        (Chain("ch_9-x".into()), Named("staging".into()), OpenAiBase, Ok("https://chain-ch_9-x.api.baseten.co/environments/staging/sync/v1")),
        (Chain("ch_9-x".into()), Production, Predict, Ok("https://chain-ch_9-x.api.baseten.co/production/run_remote")),
        (Chain("ch_9-x".into()), Production, AsyncPredict, Ok("https://chain-ch_9-x.api.baseten.co/production/async_run_remote")),
        (Chain("ch_9-x".into()), Production, AsyncRequest("req_1"), Ok("https://chain-ch_9-x.api.baseten.co/async_request/req_1")),
        (Chain("ch_9-x".into()), Production, AsyncQueueStatus, Ok("https://chain-ch_9-x.api.baseten.co/production/async_queue_status")),
        (Chain("ch_9-x".into()), Production, Wake, Ok("https://chain-ch_9-x.api.baseten.co/production/wake")),
        (Chain("ch_9-x".into()), Production, Sync("v1/models"), Ok("https://chain-ch_9-x.api.baseten.co/production/sync/v1/models")),
        (Chain("ch_9-x".into()), Production, RunRemote, Ok("https://chain-ch_9-x.api.baseten.co/production/run_remote")),
        (Chain("ch_9-x".into()), Production, AsyncRunRemote, Ok("https://chain-ch_9-x.api.baseten.co/production/async_run_remote")),
        (Chain("ch_9-x".into()), Production, OpenAiBase, Ok("https://chain-ch_9-x.api.baseten.co/production/sync/v1")),
        (Chain("ch_9-x".into()), Development, Predict, Ok("https://chain-ch_9-x.api.baseten.co/development/run_remote")),
        (Chain("ch_9-x".into()), Development, AsyncPredict, Ok("https://chain-ch_9-x.api.baseten.co/development/async_run_remote")),
        (Chain("ch_9-x".into()), Development, AsyncRequest("req_1"), Ok("https://chain-ch_9-x.api.baseten.co/async_request/req_1")),
        (Chain("ch_9-x".into()), Development, AsyncQueueStatus, Ok("https://chain-ch_9-x.api.baseten.co/development/async_queue_status")),
        (Chain("ch_9-x".into()), Development, Wake, Ok("https://chain-ch_9-x.api.baseten.co/development/wake")),
        (Chain("ch_9-x".into()), Development, Sync("v1/models"), Ok("https://chain-ch_9-x.api.baseten.co/development/sync/v1/models")),
        (Chain("ch_9-x".into()), Development, RunRemote, Ok("https://chain-ch_9-x.api.baseten.co/development/run_remote")),
        (Chain("ch_9-x".into()), Development, AsyncRunRemote, Ok("https://chain-ch_9-x.api.baseten.co/development/async_run_remote")),
        (Chain("ch_9-x".into()), Development, OpenAiBase, Ok("https://chain-ch_9-x.api.baseten.co/development/sync/v1")),
        (Chain("ch_9-x".into()), Deployment("dep42".into()), Predict, Ok("https://chain-ch_9-x.api.baseten.co/deployment/dep42/run_remote")),
        (Chain("ch_9-x".into()), Deployment("dep42".into()), AsyncPredict, Ok("https://chain-ch_9-x.api.baseten.co/deployment/dep42/async_run_remote")),
        (Chain("ch_9-x".into()), Deployment("dep42".into()), AsyncRequest("req_1"), Ok("https://chain-ch_9-x.api.baseten.co/async_request/req_1")),
        (Chain("ch_9-x".into()), Deployment("dep42".into()), AsyncQueueStatus, Ok("https://chain-ch_9-x.api.baseten.co/deployment/dep42/async_queue_status")),
        (Chain("ch_9-x".into()), Deployment("dep42".into()), Wake, Ok("https://chain-ch_9-x.api.baseten.co/deployment/dep42/wake")),
        (Chain("ch_9-x".into()), Deployment("dep42".into()), Sync("v1/models"), Ok("https://chain-ch_9-x.api.baseten.co/deployment/dep42/sync/v1/models")),
        (Chain("ch_9-x".into()), Deployment("dep42".into()), RunRemote, Ok("https://chain-ch_9-x.api.baseten.co/deployment/dep42/run_remote")),
        (Chain("ch_9-x".into()), Deployment("dep42".into()), AsyncRunRemote, Ok("https://chain-ch_9-x.api.baseten.co/deployment/dep42/async_run_remote")),
        (Chain("ch_9-x".into()), Deployment("dep42".into()), OpenAiBase, Ok("https://chain-ch_9-x.api.baseten.co/deployment/dep42/sync/v1")),
    ];
    for (target, env, route, want) in table {
        let ep = Endpoint::new(&cfg(Some(target.clone()), env.clone())).expect("valid config");
        check(
            &format!("{target:?} {env:?} {route:?}"),
            ep.url(*route),
            *want,
        );
    }
    assert_eq!(table.len(), 90);
}

#[test]
fn regional_hosts_use_bare_paths() {
    #[rustfmt::skip]
    let table: &[(Target, Route, Want)] = &[
        (Model("abc123".into()), Predict, Ok("https://model-abc123-us-east1.api.baseten.co/predict")),
        (Model("abc123".into()), AsyncPredict, Ok("https://model-abc123-us-east1.api.baseten.co/async_predict")),
        (Model("abc123".into()), AsyncRequest("req_1"), Ok("https://model-abc123.api.baseten.co/async_request/req_1")),
        (Model("abc123".into()), AsyncQueueStatus, Ok("https://model-abc123-us-east1.api.baseten.co/async_queue_status")),
        (Model("abc123".into()), Wake, Ok("https://model-abc123-us-east1.api.baseten.co/wake")),
        (Model("abc123".into()), Sync("v1/models"), Ok("https://model-abc123-us-east1.api.baseten.co/sync/v1/models")),
        (Model("abc123".into()), RunRemote, Err("chain endpoints")),
        (Model("abc123".into()), AsyncRunRemote, Err("chain endpoints")),
        (Model("abc123".into()), OpenAiBase, Ok("https://model-abc123-us-east1.api.baseten.co/sync/v1")),
        (Chain("ch_9-x".into()), Predict, Ok("https://chain-ch_9-x-us-east1.api.baseten.co/run_remote")),
        (Chain("ch_9-x".into()), AsyncPredict, Ok("https://chain-ch_9-x-us-east1.api.baseten.co/async_run_remote")),
        (Chain("ch_9-x".into()), AsyncRequest("req_1"), Ok("https://chain-ch_9-x.api.baseten.co/async_request/req_1")),
        (Chain("ch_9-x".into()), AsyncQueueStatus, Ok("https://chain-ch_9-x-us-east1.api.baseten.co/async_queue_status")),
        (Chain("ch_9-x".into()), Wake, Ok("https://chain-ch_9-x-us-east1.api.baseten.co/wake")),
        (Chain("ch_9-x".into()), Sync("v1/models"), Ok("https://chain-ch_9-x-us-east1.api.baseten.co/sync/v1/models")),
        (Chain("ch_9-x".into()), RunRemote, Ok("https://chain-ch_9-x-us-east1.api.baseten.co/run_remote")),
        (Chain("ch_9-x".into()), AsyncRunRemote, Ok("https://chain-ch_9-x-us-east1.api.baseten.co/async_run_remote")),
        (Chain("ch_9-x".into()), OpenAiBase, Ok("https://chain-ch_9-x-us-east1.api.baseten.co/sync/v1")),
    ];
    for (target, route, want) in table {
        let c = EndpointConfig {
            target: Some(target.clone()),
            region: Some("us-east1".into()),
            ..EndpointConfig::default()
        };
        let ep = Endpoint::new(&c).expect("valid config");
        check(&format!("{target:?} {route:?}"), ep.url(*route), *want);
    }
}

#[test]
fn base_url_replaces_the_origin() {
    #[rustfmt::skip]
    let table: &[(&str, Option<Target>, Route, Want)] = &[
        ("http://localhost:8080", None, Predict, Ok("http://localhost:8080/environments/production/predict")),
        ("http://localhost:8080", None, AsyncPredict, Ok("http://localhost:8080/environments/production/async_predict")),
        ("http://localhost:8080", None, AsyncRequest("req_1"), Ok("http://localhost:8080/async_request/req_1")),
        ("http://localhost:8080", None, AsyncQueueStatus, Ok("http://localhost:8080/environments/production/async_queue_status")),
        ("http://localhost:8080", None, Wake, Ok("http://localhost:8080/environments/production/wake")),
        ("http://localhost:8080", None, Sync("/v1/models?x=1"), Ok("http://localhost:8080/environments/production/sync/v1/models?x=1")),
        ("http://localhost:8080", None, RunRemote, Ok("http://localhost:8080/environments/production/run_remote")),
        ("http://localhost:8080", None, AsyncRunRemote, Ok("http://localhost:8080/environments/production/async_run_remote")),
        ("http://localhost:8080", None, OpenAiBase, Ok("http://localhost:8080/environments/production/sync/v1")),
        ("http://localhost:8080", Some(Model("abc123".into())), Predict, Ok("http://localhost:8080/environments/production/predict")),
        ("http://localhost:8080", Some(Model("abc123".into())), AsyncPredict, Ok("http://localhost:8080/environments/production/async_predict")),
        ("http://localhost:8080", Some(Model("abc123".into())), AsyncRequest("req_1"), Ok("http://localhost:8080/async_request/req_1")),
        ("http://localhost:8080", Some(Model("abc123".into())), AsyncQueueStatus, Ok("http://localhost:8080/environments/production/async_queue_status")),
        ("http://localhost:8080", Some(Model("abc123".into())), Wake, Ok("http://localhost:8080/environments/production/wake")),
        ("http://localhost:8080", Some(Model("abc123".into())), Sync("/v1/models?x=1"), Ok("http://localhost:8080/environments/production/sync/v1/models?x=1")),
        ("http://localhost:8080", Some(Model("abc123".into())), RunRemote, Err("chain endpoints")),
        ("http://localhost:8080", Some(Model("abc123".into())), AsyncRunRemote, Err("chain endpoints")),
        ("http://localhost:8080", Some(Model("abc123".into())), OpenAiBase, Ok("http://localhost:8080/environments/production/sync/v1")),
        ("http://localhost:8080", Some(Chain("ch1".into())), Predict, Ok("http://localhost:8080/environments/production/run_remote")),
        ("http://localhost:8080", Some(Chain("ch1".into())), AsyncPredict, Ok("http://localhost:8080/environments/production/async_run_remote")),
        ("http://localhost:8080", Some(Chain("ch1".into())), AsyncRequest("req_1"), Ok("http://localhost:8080/async_request/req_1")),
        ("http://localhost:8080", Some(Chain("ch1".into())), AsyncQueueStatus, Ok("http://localhost:8080/environments/production/async_queue_status")),
        ("http://localhost:8080", Some(Chain("ch1".into())), Wake, Ok("http://localhost:8080/environments/production/wake")),
        ("http://localhost:8080", Some(Chain("ch1".into())), Sync("/v1/models?x=1"), Ok("http://localhost:8080/environments/production/sync/v1/models?x=1")),
        ("http://localhost:8080", Some(Chain("ch1".into())), RunRemote, Ok("http://localhost:8080/environments/production/run_remote")),
        ("http://localhost:8080", Some(Chain("ch1".into())), AsyncRunRemote, Ok("http://localhost:8080/environments/production/async_run_remote")),
        ("http://localhost:8080", Some(Chain("ch1".into())), OpenAiBase, Ok("http://localhost:8080/environments/production/sync/v1")),
        ("https://proxy.example.com/baseten/", None, Predict, Ok("https://proxy.example.com/baseten/environments/production/predict")),
        ("https://proxy.example.com/baseten/", None, AsyncPredict, Ok("https://proxy.example.com/baseten/environments/production/async_predict")),
        ("https://proxy.example.com/baseten/", None, AsyncRequest("req_1"), Ok("https://proxy.example.com/baseten/async_request/req_1")),
        ("https://proxy.example.com/baseten/", None, AsyncQueueStatus, Ok("https://proxy.example.com/baseten/environments/production/async_queue_status")),
        ("https://proxy.example.com/baseten/", None, Wake, Ok("https://proxy.example.com/baseten/environments/production/wake")),
        ("https://proxy.example.com/baseten/", None, Sync("/v1/models?x=1"), Ok("https://proxy.example.com/baseten/environments/production/sync/v1/models?x=1")),
        ("https://proxy.example.com/baseten/", None, RunRemote, Ok("https://proxy.example.com/baseten/environments/production/run_remote")),
        ("https://proxy.example.com/baseten/", None, AsyncRunRemote, Ok("https://proxy.example.com/baseten/environments/production/async_run_remote")),
        ("https://proxy.example.com/baseten/", None, OpenAiBase, Ok("https://proxy.example.com/baseten/environments/production/sync/v1")),
        ("https://proxy.example.com/baseten/", Some(Model("abc123".into())), Predict, Ok("https://proxy.example.com/baseten/environments/production/predict")),
        ("https://proxy.example.com/baseten/", Some(Model("abc123".into())), AsyncPredict, Ok("https://proxy.example.com/baseten/environments/production/async_predict")),
        ("https://proxy.example.com/baseten/", Some(Model("abc123".into())), AsyncRequest("req_1"), Ok("https://proxy.example.com/baseten/async_request/req_1")),
        ("https://proxy.example.com/baseten/", Some(Model("abc123".into())), AsyncQueueStatus, Ok("https://proxy.example.com/baseten/environments/production/async_queue_status")),
        ("https://proxy.example.com/baseten/", Some(Model("abc123".into())), Wake, Ok("https://proxy.example.com/baseten/environments/production/wake")),
        ("https://proxy.example.com/baseten/", Some(Model("abc123".into())), Sync("/v1/models?x=1"), Ok("https://proxy.example.com/baseten/environments/production/sync/v1/models?x=1")),
        ("https://proxy.example.com/baseten/", Some(Model("abc123".into())), RunRemote, Err("chain endpoints")),
        ("https://proxy.example.com/baseten/", Some(Model("abc123".into())), AsyncRunRemote, Err("chain endpoints")),
        ("https://proxy.example.com/baseten/", Some(Model("abc123".into())), OpenAiBase, Ok("https://proxy.example.com/baseten/environments/production/sync/v1")),
        ("https://proxy.example.com/baseten/", Some(Chain("ch1".into())), Predict, Ok("https://proxy.example.com/baseten/environments/production/run_remote")),
        ("https://proxy.example.com/baseten/", Some(Chain("ch1".into())), AsyncPredict, Ok("https://proxy.example.com/baseten/environments/production/async_run_remote")),
        ("https://proxy.example.com/baseten/", Some(Chain("ch1".into())), AsyncRequest("req_1"), Ok("https://proxy.example.com/baseten/async_request/req_1")),
        ("https://proxy.example.com/baseten/", Some(Chain("ch1".into())), AsyncQueueStatus, Ok("https://proxy.example.com/baseten/environments/production/async_queue_status")),
        ("https://proxy.example.com/baseten/", Some(Chain("ch1".into())), Wake, Ok("https://proxy.example.com/baseten/environments/production/wake")),
        ("https://proxy.example.com/baseten/", Some(Chain("ch1".into())), Sync("/v1/models?x=1"), Ok("https://proxy.example.com/baseten/environments/production/sync/v1/models?x=1")),
        ("https://proxy.example.com/baseten/", Some(Chain("ch1".into())), RunRemote, Ok("https://proxy.example.com/baseten/environments/production/run_remote")),
        ("https://proxy.example.com/baseten/", Some(Chain("ch1".into())), AsyncRunRemote, Ok("https://proxy.example.com/baseten/environments/production/async_run_remote")),
        ("https://proxy.example.com/baseten/", Some(Chain("ch1".into())), OpenAiBase, Ok("https://proxy.example.com/baseten/environments/production/sync/v1")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", None, Predict, Ok("https://proxy.example.com:443/a/b/environments/production/predict")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", None, AsyncPredict, Ok("https://proxy.example.com:443/a/b/environments/production/async_predict")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", None, AsyncRequest("req_1"), Ok("https://proxy.example.com:443/a/b/async_request/req_1")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", None, AsyncQueueStatus, Ok("https://proxy.example.com:443/a/b/environments/production/async_queue_status")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", None, Wake, Ok("https://proxy.example.com:443/a/b/environments/production/wake")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", None, Sync("/v1/models?x=1"), Ok("https://proxy.example.com:443/a/b/environments/production/sync/v1/models?x=1")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", None, RunRemote, Ok("https://proxy.example.com:443/a/b/environments/production/run_remote")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", None, AsyncRunRemote, Ok("https://proxy.example.com:443/a/b/environments/production/async_run_remote")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", None, OpenAiBase, Ok("https://proxy.example.com:443/a/b/environments/production/sync/v1")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Model("abc123".into())), Predict, Ok("https://proxy.example.com:443/a/b/environments/production/predict")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Model("abc123".into())), AsyncPredict, Ok("https://proxy.example.com:443/a/b/environments/production/async_predict")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Model("abc123".into())), AsyncRequest("req_1"), Ok("https://proxy.example.com:443/a/b/async_request/req_1")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Model("abc123".into())), AsyncQueueStatus, Ok("https://proxy.example.com:443/a/b/environments/production/async_queue_status")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Model("abc123".into())), Wake, Ok("https://proxy.example.com:443/a/b/environments/production/wake")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Model("abc123".into())), Sync("/v1/models?x=1"), Ok("https://proxy.example.com:443/a/b/environments/production/sync/v1/models?x=1")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Model("abc123".into())), RunRemote, Err("chain endpoints")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Model("abc123".into())), AsyncRunRemote, Err("chain endpoints")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Model("abc123".into())), OpenAiBase, Ok("https://proxy.example.com:443/a/b/environments/production/sync/v1")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Chain("ch1".into())), Predict, Ok("https://proxy.example.com:443/a/b/environments/production/run_remote")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Chain("ch1".into())), AsyncPredict, Ok("https://proxy.example.com:443/a/b/environments/production/async_run_remote")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Chain("ch1".into())), AsyncRequest("req_1"), Ok("https://proxy.example.com:443/a/b/async_request/req_1")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Chain("ch1".into())), AsyncQueueStatus, Ok("https://proxy.example.com:443/a/b/environments/production/async_queue_status")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Chain("ch1".into())), Wake, Ok("https://proxy.example.com:443/a/b/environments/production/wake")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Chain("ch1".into())), Sync("/v1/models?x=1"), Ok("https://proxy.example.com:443/a/b/environments/production/sync/v1/models?x=1")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Chain("ch1".into())), RunRemote, Ok("https://proxy.example.com:443/a/b/environments/production/run_remote")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Chain("ch1".into())), AsyncRunRemote, Ok("https://proxy.example.com:443/a/b/environments/production/async_run_remote")),
        ("HTTPS://Proxy.Example.COM:0443/a/b///", Some(Chain("ch1".into())), OpenAiBase, Ok("https://proxy.example.com:443/a/b/environments/production/sync/v1")),
    ];
    for (base, target, route, want) in table {
        let c = EndpointConfig {
            target: target.clone(),
            base_url: Some((*base).into()),
            ..EndpointConfig::default()
        };
        let ep = Endpoint::new(&c).expect("valid config");
        check(
            &format!("{base} {target:?} {route:?}"),
            ep.url(*route),
            *want,
        );
    }
}

#[test]
fn base_url_keeps_the_environment_prefix() {
    let table: &[(Environment, Want)] = &[
        (
            Named("beta".into()),
            Ok("http://127.0.0.1:3000/p/environments/beta/predict"),
        ),
        (Production, Ok("http://127.0.0.1:3000/p/production/predict")),
        (
            Development,
            Ok("http://127.0.0.1:3000/p/development/predict"),
        ),
        (
            Deployment("d1".into()),
            Ok("http://127.0.0.1:3000/p/deployment/d1/predict"),
        ),
    ];
    for (env, want) in table {
        let c = EndpointConfig {
            target: Some(Model("m".into())),
            environment: env.clone(),
            base_url: Some("http://127.0.0.1:3000/p/".into()),
            ..EndpointConfig::default()
        };
        check(
            &format!("{env:?}"),
            Endpoint::new(&c).and_then(|e| e.url(Predict)),
            *want,
        );
    }
}

#[test]
fn no_target_and_no_base_url_calls_model_apis_and_refuses_baseten_routes() {
    let routes = [
        Predict,
        AsyncPredict,
        AsyncRequest("r1"),
        AsyncQueueStatus,
        Wake,
        Sync("x"),
        RunRemote,
        AsyncRunRemote,
    ];
    // A region chooses a model's or chain's host: alone it is refused, not ignored.
    let lone = EndpointConfig {
        region: Some("eu1".to_string()),
        ..EndpointConfig::default()
    };
    check(
        "region alone",
        Endpoint::new(&lone).map(|_| String::new()),
        Err("options.region needs a model or chain id"),
    );
    {
        let c = EndpointConfig::default();
        let ep = Endpoint::new(&c).expect("an OpenAI-only client can exist");
        assert!(!ep.is_chain());
        for route in routes {
            check(
                &format!("{route:?}"),
                ep.url(route),
                Err("needs a model or chain id: set modelId or chainId"),
            );
            let message = ep.url(route).unwrap_err().message;
            assert!(message.starts_with(route.name()), "{message}");
        }
        // The OpenAI-compatible calls go to Baseten's Model APIs.
        check("OpenAiBase", ep.url(OpenAiBase), Ok(MODEL_APIS_BASE));
        assert_eq!(MODEL_APIS_BASE, "https://inference.baseten.co/v1");
    }
    let chain = Endpoint::new(&cfg(Some(Chain("c".into())), Default)).expect("valid");
    assert!(chain.is_chain());
}

#[test]
fn sync_routes_are_encoded() {
    let table: &[(&str, Want)] = &[
        ("v1/chat/completions", Ok("v1/chat/completions")),
        ("/v1/chat/completions", Ok("v1/chat/completions")),
        ("v1/models/", Ok("v1/models/")),
        ("health", Ok("health")),
        ("a b/c\"d<e>f", Ok("a%20b/c%22d%3Ce%3Ef")),
        ("x^y`z{|}[]", Ok("x%5Ey%60z%7B%7C%7D%5B%5D")),
        ("héllo/☃", Ok("h%C3%A9llo/%E2%98%83")),
        ("keep:@!$&'()*+,;=-._~", Ok("keep:@!$&'()*+,;=-._~")),
        ("already%20encoded%2Fnot", Err("percent-escape")),
        ("already%20encoded%3f", Ok("already%20encoded%3f")),
        ("...", Ok("...")),
        (".well-known/x", Ok(".well-known/x")),
        ("a..b/.c/c.", Ok("a..b/.c/c.")),
        ("%2e%2e%2e", Ok("%2e%2e%2e")),
        ("models/org/model:generate", Ok("models/org/model:generate")),
        (
            "search?q=a b&x=1+2&y=%41&z=/?",
            Ok("search?q=a%20b&x=1+2&y=%41&z=/?"),
        ),
        ("q?k=\"<é>\"", Ok("q?k=%22%3C%C3%A9%3E%22")),
        ("q?a=%0A", Ok("q?a=%0A")),
        ("q?a=%zz", Err("two hex digits")),
        ("q?", Ok("q")),
        ("q?a=1?b=2", Ok("q?a=1?b=2")),
    ];
    let ep = Endpoint::new(&cfg(Some(Model("m".into())), Production)).expect("valid");
    for (route, want) in table {
        let got = ep.url(Sync(route));
        let prefix = "https://model-m.api.baseten.co/production/sync/";
        let want = want.map(|w| &*format!("{prefix}{w}").leak());
        check(&format!("route {route:?}"), got, want);
    }
}

#[test]
fn normalize_base_url_forms() {
    let table: &[(&str, Want)] = &[
        ("https://api.openai.com/v1", Ok("https://api.openai.com/v1")),
        (
            "https://api.openai.com/v1/",
            Ok("https://api.openai.com/v1"),
        ),
        (
            "http://localhost:11434/v1//",
            Ok("http://localhost:11434/v1"),
        ),
        ("HtTp://LocalHost", Ok("http://localhost")),
        ("https://x.io/", Ok("https://x.io")),
        ("https://x.io///", Ok("https://x.io")),
        ("http://127.0.0.1:8000", Ok("http://127.0.0.1:8000")),
        ("http://[::1]:8080/v1", Ok("http://[::1]:8080/v1")),
        ("http://[FE80::1]", Ok("http://[fe80::1]")),
        ("http://[::ffff:1.2.3.4]/", Ok("http://[::ffff:1.2.3.4]")),
        ("https://h:1", Ok("https://h:1")),
        ("https://h:65535", Ok("https://h:65535")),
        ("https://h:00080/", Ok("https://h:80")),
        (
            "https://my_host.internal/a/b-c/~d",
            Ok("https://my_host.internal/a/b-c/~d"),
        ),
        (
            "https://h/openrouter/api/v1",
            Ok("https://h/openrouter/api/v1"),
        ),
        ("https://h/a%20b/c:d@e", Ok("https://h/a%20b/c:d@e")),
        ("https://h/a|b", Ok("https://h/a%7Cb")),
    ];
    for (input, want) in table {
        check(input, normalize_base_url(input), *want);
    }
    let e = normalize_base_url_named("baseUrl", "ftp://x").expect_err("refused");
    assert!(e.message.starts_with("baseUrl "), "{e}");
    let e = normalize_base_url("").expect_err("refused");
    assert!(e.message.starts_with("openaiBaseUrl "), "{e}");
}

#[test]
fn join_adds_one_slash() {
    assert_eq!(
        join("https://h/v1", "chat/completions"),
        "https://h/v1/chat/completions"
    );
    assert_eq!(join("https://h/v1/", "/models"), "https://h/v1/models");
    let base = Endpoint::new(&cfg(Some(Model("m".into())), Default))
        .and_then(|e| e.url(OpenAiBase))
        .expect("valid");
    assert_eq!(
        join(&base, "embeddings"),
        "https://model-m.api.baseten.co/environments/production/sync/v1/embeddings"
    );
}

#[test]
fn bad_base_urls_are_refused() {
    let table: &[(&str, &str)] = &[
        ("", "is empty"),
        ("javascript:alert(1)", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("data:text/html,x", "http:// or https://"),
        ("ws://h", "http:// or https://"),
        ("//h/x", "http:// or https://"),
        ("h.com/x", "http:// or https://"),
        ("https:/h", "http:// or https://"),
        ("https://", "no host"),
        ("https:///x", "no host"),
        ("https://:80", "no host"),
        ("https://user:pw@h", "credentials"),
        ("https://h@evil.com", "credentials"),
        ("https://h/x?y=1", "query"),
        ("https://h/x#f", "fragment"),
        ("https://h?", "query"),
        ("https://h:0", "port"),
        ("https://h:65536", "port"),
        ("https://h:99999", "port"),
        ("https://h:123456", "port"),
        ("https://h:", "port"),
        ("https://h:+80", "port"),
        ("https://h:8a", "port"),
        ("https://h:80:80", "port"),
        ("https://exämple.com", "non-ASCII"),
        ("https://аpple.com", "non-ASCII"),
        ("https://h/é", "non-ASCII"),
        ("https://h x", "whitespace"),
        (" https://h", "whitespace"),
        ("https://h\r\nX: y", "control"),
        ("https://h/\0", "control"),
        ("https://h\t", "whitespace"),
        ("https://h\\@evil.com", "backslash"),
        ("https://h/a\\b", "backslash"),
        ("https://h/../x", "'..' path segment"),
        ("https://h/a/..", "'..' path segment"),
        ("https://h/a/./b", "'.' or '..'"),
        ("https://h/%2e%2E/x", "'..' path segment"),
        ("https://h/.%2e", "'..' path segment"),
        ("https://h/a%2fb", "percent-escape"),
        ("https://h/a%5cb", "percent-escape"),
        ("https://h/a%0d%0a", "percent-escape"),
        ("https://h/a%", "two hex digits"),
        ("https://h/a%g0", "two hex digits"),
        ("https://h//x", "empty path segment"),
        ("https://h/a//b", "empty path segment"),
        ("https://a..b", "invalid host"),
        ("https://.h", "invalid host"),
        ("https://h%2ecom", "invalid host"),
        ("https://h;x", "invalid host"),
        ("https://[::1", "closing"),
        ("https://[]", "IPv6"),
        ("https://[g::1]", "IPv6"),
        ("https://[::1]x", "after the IPv6"),
        ("https://[::1]:0", "port"),
        ("https://[::1%25eth0]", "IPv6"),
    ];
    for (input, want) in table {
        let got = normalize_base_url(input);
        check(&format!("{input:?}"), got.clone(), Err(want));
        // The URL (possibly with credentials) is never echoed.
        let msg = got.expect_err("refused").message;
        if input.len() > 3 {
            assert!(!msg.contains(input), "{msg}");
        }
        // The same rules guard Endpoint::new.
        let c = EndpointConfig {
            base_url: Some((*input).into()),
            ..EndpointConfig::default()
        };
        check(
            &format!("baseUrl {input:?}"),
            Endpoint::new(&c).map(|_| String::new()),
            Err(want),
        );
    }
}

const BAD_IDS: &[(&str, &str)] = &[
    ("", "is empty"),
    ("abc.evil.com", "may contain only"),
    ("abc.evil.com/", "may contain only"),
    ("abc/..", "may contain only"),
    ("../x", "may contain only"),
    ("..%2f", "may contain only"),
    ("%2e%2e", "may contain only"),
    ("abc@x", "may contain only"),
    ("abc:80", "may contain only"),
    ("a\\b", "may contain only"),
    ("a b", "may contain only"),
    (" abc", "may contain only"),
    ("abc\r\nHost: evil", "may contain only"),
    ("abc\n", "may contain only"),
    ("abc\0", "may contain only"),
    ("abc?x", "may contain only"),
    ("abc#x", "may contain only"),
    ("ábc", "may contain only"),
    ("abc\u{202e}", "may contain only"),
    ("ａｂｃ", "may contain only"),
];

#[test]
fn bad_ids_are_refused_in_every_field() {
    let long = "a".repeat(129);
    let max = "a".repeat(128);
    let mut ids: Vec<(&str, &str)> = BAD_IDS.to_vec();
    ids.push((&long, "longer than 128"));
    type Build = fn(String) -> EndpointConfig;
    let fields: &[(&str, Build)] = &[
        ("modelId", |s| cfg(Some(Model(s)), Default)),
        ("chainId", |s| cfg(Some(Chain(s)), Default)),
        ("environment", |s| cfg(Some(Model("m".into())), Named(s))),
        ("deployment", |s| {
            cfg(Some(Model("m".into())), Deployment(s))
        }),
        ("region", |s| EndpointConfig {
            target: Some(Model("m".into())),
            region: Some(s),
            ..EndpointConfig::default()
        }),
    ];
    for (field, build) in fields {
        for (id, want) in &ids {
            let got = Endpoint::new(&build((*id).to_string())).map(|_| String::new());
            check(&format!("{field} {id:?}"), got.clone(), Err(want));
            assert!(got.expect_err("refused").message.starts_with(field));
        }
        assert!(
            Endpoint::new(&build(max.clone())).is_ok(),
            "{field} of 128 chars"
        );
    }
    let ep = Endpoint::new(&cfg(Some(Model("m".into())), Default)).expect("valid");
    for (id, want) in &ids {
        let got = ep.url(AsyncRequest(id));
        check(&format!("requestId {id:?}"), got.clone(), Err(want));
        assert!(got.expect_err("refused").message.starts_with("requestId"));
    }
    assert!(ep.url(AsyncRequest(&max)).is_ok());
}

#[test]
fn bad_sync_routes_are_refused() {
    let table: &[(&str, &str)] = &[
        ("", "route is empty"),
        ("/", "route is empty"),
        ("?x=1", "route is empty"),
        ("//evil.com/x", "empty path segment"),
        ("a//b", "empty path segment"),
        ("..", "'..' path segment"),
        ("../predict", "'..' path segment"),
        ("a/../../predict", "'..' path segment"),
        ("a/./b", "'.' or '..'"),
        ("./a", "'.' or '..'"),
        ("a/.", "'.' or '..'"),
        ("a/..?x=1", "'..' path segment"),
        ("%2e%2e/predict", "'..' path segment"),
        ("%2E%2e/predict", "'..' path segment"),
        (".%2e/predict", "'..' path segment"),
        ("%2e./predict", "'..' path segment"),
        ("a/%2e", "'.' or '..'"),
        ("..%2fpredict", "percent-escape"),
        ("..%2Fpredict", "percent-escape"),
        ("a%5c..", "percent-escape"),
        ("a%00", "percent-escape"),
        ("a%0d%0aX: y", "percent-escape"),
        ("a%7f", "percent-escape"),
        ("a\\..\\predict", "backslash"),
        ("a\r\nX-Evil: 1", "control"),
        ("a\nb", "control"),
        ("a\0", "control"),
        ("a\u{7f}", "control"),
        ("a\u{85}", "control"),
        ("a?x=\r\n", "control"),
        ("a?x=\0", "control"),
        ("a?x=\\", "backslash"),
        ("a#frag", "fragment"),
        ("a?x=1#frag", "fragment"),
        ("a%", "two hex digits"),
        ("a%4", "two hex digits"),
        ("a%zz", "two hex digits"),
        ("100%", "two hex digits"),
    ];
    let ep = Endpoint::new(&cfg(Some(Model("m".into())), Default)).expect("valid");
    for (route, want) in table {
        check(&format!("route {route:?}"), ep.url(Sync(route)), Err(want));
    }
}

#[test]
fn conflicts_are_refused() {
    for env in [
        Named("production".into()),
        Production,
        Development,
        Deployment("d".into()),
    ] {
        let c = EndpointConfig {
            target: Some(Model("m".into())),
            environment: env.clone(),
            region: Some("eu".into()),
            base_url: None,
        };
        let got = Endpoint::new(&c).map(|_| String::new());
        check(
            &format!("{env:?}"),
            got,
            Err("region cannot be combined with environment"),
        );
    }
    let c = EndpointConfig {
        target: Some(Model("m".into())),
        region: Some("eu".into()),
        base_url: Some("https://h".into()),
        ..EndpointConfig::default()
    };
    let got = Endpoint::new(&c).map(|_| String::new());
    check(
        "region+baseUrl",
        got,
        Err("region cannot be combined with baseUrl"),
    );
}

#[test]
fn no_input_panics() {
    // Every awkward byte in every position of every field: an error or a URL, never a panic.
    let pieces = [
        "", "%", "%2", "%2e", "%ff", "%%", "/", "//", "?", "#", "\\", ".", "..", "\r", "\n", "\0",
        "é", "☃", "[", "]", ":", "@", " ", "\u{85}", "a",
    ];
    for a in pieces {
        for b in pieces {
            for c in pieces {
                let s = format!("{a}{b}{c}");
                let _ = normalize_base_url(&format!("http://{s}"));
                let _ = normalize_base_url(&format!("http://h/{s}"));
                let _ = normalize_base_url(&format!("http://[{s}]:{s}"));
                let _ = normalize_base_url(&s);
                let ep = Endpoint::new(&cfg(Some(Model(s.clone())), Named(s.clone())));
                assert!(ep.is_err() || s.bytes().all(|b| b == b'a'), "{s:?}");
                let ep = Endpoint::new(&cfg(Some(Model("m".into())), Default)).expect("valid");
                let _ = ep.url(Sync(&s));
                let _ = ep.url(AsyncRequest(&s));
            }
        }
    }
}

/// The WebSocket forms (full build only: the chat build has no sockets).
#[cfg(feature = "full")]
mod websocket {
    use super::*;
    use baseten_edge::core::url::Route::WebSocket;

    #[test]
    fn websocket_urls_in_every_form() {
        let regional = |t: Target, r: &str| EndpointConfig {
            target: Some(t),
            region: Some(r.into()),
            ..EndpointConfig::default()
        };
        let based = |t: Option<Target>, env: Environment, b: &str| EndpointConfig {
            target: t,
            environment: env,
            base_url: Some(b.into()),
            region: None,
        };
        #[rustfmt::skip]
        let table: &[(EndpointConfig, Want)] = &[
            (cfg(Some(Model("abc123".into())), Default), Ok("wss://model-abc123.api.baseten.co/environments/production/websocket")),
            (cfg(Some(Model("abc123".into())), Named("staging".into())), Ok("wss://model-abc123.api.baseten.co/environments/staging/websocket")),
            (cfg(Some(Model("abc123".into())), Production), Ok("wss://model-abc123.api.baseten.co/production/websocket")),
            (cfg(Some(Model("abc123".into())), Development), Ok("wss://model-abc123.api.baseten.co/development/websocket")),
            (cfg(Some(Model("abc123".into())), Deployment("dep42".into())), Ok("wss://model-abc123.api.baseten.co/deployment/dep42/websocket")),
            (regional(Model("abc123".into()), "staging"), Ok("wss://model-abc123-staging.api.baseten.co/websocket")),
            (cfg(Some(Chain("ch_9-x".into())), Default), Ok("wss://chain-ch_9-x.api.baseten.co/environments/production/websocket")),
            (cfg(Some(Chain("ch_9-x".into())), Named("staging".into())), Ok("wss://chain-ch_9-x.api.baseten.co/environments/staging/websocket")),
            (cfg(Some(Chain("ch_9-x".into())), Production), Ok("wss://chain-ch_9-x.api.baseten.co/production/websocket")),
            (cfg(Some(Chain("ch_9-x".into())), Development), Ok("wss://chain-ch_9-x.api.baseten.co/development/websocket")),
            (cfg(Some(Chain("ch_9-x".into())), Deployment("dep42".into())), Ok("wss://chain-ch_9-x.api.baseten.co/deployment/dep42/websocket")),
            (regional(Chain("ch_9-x".into()), "staging"), Ok("wss://chain-ch_9-x-staging.api.baseten.co/websocket")),
            (based(None, Default, "http://127.0.0.1:8080"), Ok("ws://127.0.0.1:8080/environments/production/websocket")),
            (based(None, Default, "HTTPS://Proxy.Example.com/"), Ok("wss://proxy.example.com/environments/production/websocket")),
            (based(Some(Model("m".into())), Development, "https://proxy.example.com/base/p"), Ok("wss://proxy.example.com/base/p/development/websocket")),
            (based(Some(Chain("c".into())), Deployment("d1".into()), "http://[::1]:9/x"), Ok("ws://[::1]:9/x/deployment/d1/websocket")),
            (based(Some(Model("m".into())), Named("httpish".into()), "http://http.example"), Ok("ws://http.example/environments/httpish/websocket")),
            (cfg(None, Default), Err("websocket needs a model or chain id")),
        ];
        for (c, want) in table {
            let ep = Endpoint::new(c).expect("valid config");
            check(&format!("{c:?}"), ep.url(WebSocket), *want);
        }
    }

    #[test]
    fn websocket_urls_refuse_every_injection() {
        // Each id field, with every bad id: refused before a URL exists, naming the field.
        type Build = fn(String) -> EndpointConfig;
        let fields: &[(&str, Build)] = &[
            ("modelId", |s| cfg(Some(Model(s)), Default)),
            ("chainId", |s| cfg(Some(Chain(s)), Development)),
            ("environment", |s| cfg(Some(Chain("c".into())), Named(s))),
            ("deployment", |s| {
                cfg(Some(Model("m".into())), Deployment(s))
            }),
            ("region", |s| EndpointConfig {
                target: Some(Chain("c".into())),
                region: Some(s),
                ..EndpointConfig::default()
            }),
        ];
        for (field, build) in fields {
            for (id, want) in BAD_IDS {
                let got = Endpoint::new(&build((*id).to_string())).and_then(|e| e.url(WebSocket));
                check(&format!("{field} {id:?}"), got.clone(), Err(want));
                assert!(got.expect_err("refused").message.starts_with(field));
            }
        }
        // Base URLs that try another scheme, credentials, a query or a climb.
        let bases: &[(&str, &str)] = &[
            (
                "wss://proxy.example.com",
                "must start with http:// or https://",
            ),
            ("ws://127.0.0.1:8080", "must start with http:// or https://"),
            ("javascript:alert(1)", "must start with http:// or https://"),
            ("https://user:key@proxy.example.com", "credentials"),
            ("https://proxy.example.com/?key=sk", "query"),
            ("https://proxy.example.com/#x", "fragment"),
            ("https://proxy.example.com/a/../b", "'.' or '..'"),
            ("https://proxy.example.com/a/%2e%2e/b", "'.' or '..'"),
            ("https://proxy.example.com\r\nX: y", "control"),
            ("https://evil.com\\@proxy.example.com", "backslash"),
        ];
        for (base, want) in bases {
            let got = Endpoint::new(&EndpointConfig {
                target: Some(Model("m".into())),
                base_url: Some((*base).into()),
                ..EndpointConfig::default()
            })
            .and_then(|e| e.url(WebSocket));
            check(&format!("baseUrl {base:?}"), got.clone(), Err(want));
            let e = got.expect_err("refused");
            assert!(
                !e.message.contains("sk") && !e.message.contains("evil"),
                "{e:?}"
            );
        }
    }
}
