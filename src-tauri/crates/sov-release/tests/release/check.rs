//! The update check against a local update server: offered, not offered, refused, unreachable.

use crate::support::{
    manifest, serve, sign_with_other_key, sign_with_test_key, source, Answer, PACKAGE,
};
use sov_release::{check, CheckOutcome, Offer};

/// A server announcing `version` for windows-x86_64 with the given signature of its package.
async fn announcing(version: &str, signature: String) -> sov_release::UpdateSource {
    let version = version.to_owned();
    serve(move |base| Answer::Manifest(manifest(&version, base, &signature))).await
}

#[tokio::test]
async fn a_newer_signed_version_is_offered_with_its_notes() {
    let src = announcing("0.2.0", sign_with_test_key(PACKAGE, "0.2.0")).await;
    assert_eq!(
        check(&src, "0.1.0").await,
        CheckOutcome::Available(Offer {
            version: "0.2.0".into(),
            notes: Some("Faster checks of large workbooks.".into()),
        })
    );
}

#[tokio::test]
async fn a_release_tag_style_version_is_understood() {
    let src = announcing("v0.2.0", sign_with_test_key(PACKAGE, "0.2.0")).await;
    assert!(matches!(
        check(&src, "0.1.0").await,
        CheckOutcome::Available(_)
    ));
}

#[tokio::test]
async fn the_same_or_an_older_version_is_not_offered() {
    let same = announcing("0.1.0", sign_with_test_key(PACKAGE, "0.1.0")).await;
    assert_eq!(check(&same, "0.1.0").await, CheckOutcome::UpToDate);
    assert_eq!(check(&same, "0.3.1").await, CheckOutcome::UpToDate);
}

#[tokio::test]
async fn no_content_means_nothing_newer() {
    // A dynamic update server says "nothing newer" with 204 No Content.
    let src = serve(|_| Answer::NoContent).await;
    assert_eq!(check(&src, "0.1.0").await, CheckOutcome::UpToDate);
}

#[tokio::test]
async fn a_release_with_no_package_for_this_platform_is_not_offered() {
    let mut src = announcing("0.2.0", sign_with_test_key(PACKAGE, "0.2.0")).await;
    src.target = "darwin-aarch64".into();
    assert_eq!(check(&src, "0.1.0").await, CheckOutcome::UpToDate);
}

#[tokio::test]
async fn a_package_signed_with_another_key_is_refused() {
    let src = announcing("0.2.0", sign_with_other_key(PACKAGE, "0.2.0")).await;
    let outcome = check(&src, "0.1.0").await;
    assert!(
        matches!(&outcome, CheckOutcome::Refused(why) if why.contains("does not match")),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_signature_of_other_bytes_is_refused() {
    let src = announcing(
        "0.2.0",
        sign_with_test_key(b"an older, vulnerable release", "0.2.0"),
    )
    .await;
    assert!(matches!(
        check(&src, "0.1.0").await,
        CheckOutcome::Refused(_)
    ));
}

#[tokio::test]
async fn a_package_signed_for_another_version_is_refused() {
    // A genuine old package, re-announced under a new version number: its signed version gives it away.
    let src = announcing("9.0.0", sign_with_test_key(PACKAGE, "0.1.5")).await;
    let outcome = check(&src, "0.1.0").await;
    assert!(
        matches!(&outcome, CheckOutcome::Refused(why) if why.contains("signed as version 0.1.5")),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_signature_that_is_not_minisign_is_refused() {
    let src = announcing("0.2.0", "bm90IGEgc2lnbmF0dXJl".into()).await;
    assert!(matches!(
        check(&src, "0.1.0").await,
        CheckOutcome::Refused(_)
    ));
}

#[tokio::test]
async fn an_unreadable_manifest_is_refused() {
    let src = serve(|_| Answer::Manifest("<html>Sign in to the Wi-Fi</html>".into())).await;
    assert!(matches!(
        check(&src, "0.1.0").await,
        CheckOutcome::Refused(_)
    ));
}

#[tokio::test]
async fn a_server_that_is_not_there_is_unreachable() {
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let src = source(&format!("http://{address}/latest.json"));
    assert!(matches!(
        check(&src, "0.1.0").await,
        CheckOutcome::Unreachable(_)
    ));
}

#[tokio::test]
async fn a_missing_manifest_is_unreachable_not_refused() {
    let mut src = serve(|_| Answer::NoContent).await;
    src.endpoint.set_path("/no-such-file.json");
    assert!(matches!(
        check(&src, "0.1.0").await,
        CheckOutcome::Unreachable(_)
    ));
}
