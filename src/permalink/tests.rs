//! Permalink round trips for every preset and control, and every kind of damaged link.

use super::*;
use crate::presets::{default_scenario, PRESETS};

fn round_trip(scenario: &Scenario) {
    let fragment = to_fragment(scenario);
    assert!(fragment.starts_with("v1."), "{fragment}");
    assert!(
        fragment.bytes().skip(3).all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "a fragment needs no URL escaping: {fragment}"
    );
    assert_eq!(from_fragment(&fragment).as_ref(), Ok(scenario));
    assert_eq!(from_fragment(&format!("#{fragment}")).as_ref(), Ok(scenario));
    assert_eq!(to_fragment(scenario), fragment, "the same scenario gives the same link");
}

#[test]
fn every_preset_round_trips_in_under_2000_characters() {
    for preset in PRESETS {
        let scenario = preset.scenario();
        round_trip(&scenario);
        let len = to_fragment(&scenario).len();
        assert!(len < 2000, "{}: {len} characters", preset.file);
    }
}

#[test]
fn every_control_value_round_trips() {
    let base = default_scenario();
    let mut variants = Vec::new();
    let mut with = |change: &dyn Fn(&mut Scenario)| {
        let mut scenario = base.clone();
        change(&mut scenario);
        variants.push(scenario);
    };
    for entry in [None, Some(EntryKind::LoadBalancer), Some(EntryKind::NodePort)] {
        with(&|s| s.entry = entry);
    }
    with(&|s| s.entry = Some(EntryKind::ClusterIp));
    with(&|s| s.entry = Some(EntryKind::ExternalIp));
    with(&|s| s.port = PortSelector::First);
    with(&|s| s.port = PortSelector::Number(443));
    with(&|s| s.port = PortSelector::Number(0));
    with(&|s| s.port = PortSelector::Name("https".into()));
    with(&|s| s.node = None);
    with(&|s| s.node = Some("kind-worker2".into()));
    with(&|s| s.client = ClientChoice::External);
    with(&|s| s.client = ClientChoice::ExternalIp("198.51.100.7".parse().unwrap()));
    with(&|s| s.client = ClientChoice::ExternalIp("2001:db8::1".parse().unwrap()));
    with(&|s| s.client = ClientChoice::Pod("curl".into()));
    with(&|s| s.client = ClientChoice::Node("kind-control-plane".into()));
    for policy in [None, Some(TrafficPolicy::Cluster), Some(TrafficPolicy::Local)] {
        with(&|s| s.external_traffic_policy = policy);
        with(&|s| s.internal_traffic_policy = policy);
    }
    with(&|s| s.has_load_balancer_support = false);
    with(&|s| s.compare = true);
    for seed in [0, 42, u64::MAX] {
        with(&|s| s.seed = seed);
    }
    for speed in [0.25, 0.5, 1.0, 2.0, 4.0, 1.0 / 3.0, 100.0] {
        with(&|s| s.speed = speed);
    }
    with(&|s| s.service = None);
    with(&|s| s.namespace = "kiada-test".into());
    with(&|s| s.manifests = String::new());
    with(&|s| s.manifests = "\n\n---\n\n# blank lines\n\n".into());
    // Names that need escaping survive too (the page never makes them, a hand-edit might).
    with(&|s| s.service = Some("-a%b\nc\r".into()));
    with(&|s| s.client = ClientChoice::Pod("-".into()));
    with(&|s| s.port = PortSelector::Name("%2D".into()));
    for scenario in &variants {
        round_trip(scenario);
    }
}

/// The error the page shows for `fragment`.
fn error(fragment: &str) -> FragmentError {
    match from_fragment(fragment) {
        Ok(scenario) => panic!("{fragment:?} decoded to {scenario:?}"),
        Err(error) => error,
    }
}

/// A fragment of the given inner text, as to_fragment would pack it.
fn pack(text: &str) -> String {
    let mut fragment = PREFIX.to_string();
    base64url_encode(
        &miniz_oxide::deflate::compress_to_vec_zlib(text.as_bytes(), 9),
        &mut fragment,
    );
    fragment
}

#[test]
fn every_error_is_a_sentence_that_says_the_default_is_shown() {
    let fragment = to_fragment(&default_scenario());
    let cases = [
        String::new(),
        "#".to_string(),
        "hello".to_string(),
        "v9.AAAA".to_string(),
        fragment.replace('.', ".!"),
        fragment[..fragment.len() / 2].to_string(),
        pack("not a scenario"),
    ];
    for case in &cases {
        let message = error(case).to_string();
        assert!(message.starts_with("this link is damaged: "), "{message}");
        assert!(message.ends_with("; showing the default scenario"), "{message}");
    }
}

#[test]
fn not_a_link_and_unknown_versions_are_told_apart() {
    assert_eq!(error(""), FragmentError::Empty);
    assert_eq!(error("  #  "), FragmentError::Empty);
    assert_eq!(error("section-2"), FragmentError::NotALink);
    assert_eq!(error("v1"), FragmentError::NotALink);
    assert_eq!(
        error("v2.eJwLzs8tSFXIzEvJLwYAF6AEYg"),
        FragmentError::UnknownVersion { version: "v2".into() }
    );
    assert!(error("v2.x").to_string().contains("newer svcroute"));
}

#[test]
fn wrong_base64_names_the_character_and_its_position() {
    let fragment = to_fragment(&default_scenario());
    let damaged = format!("{}+{}", &fragment[..13], &fragment[13..]);
    assert_eq!(error(&damaged), FragmentError::BadBase64 { position: 10, found: '+' });
    assert!(error(&format!("{fragment}=")).to_string().contains("`=`"));
    assert!(matches!(error(&format!("{fragment}é")), FragmentError::BadBase64 { found: 'é', .. }));
}

#[test]
fn truncated_or_altered_data_is_damaged() {
    let fragment = to_fragment(&default_scenario());
    for len in [4, 5, 10, fragment.len() / 2, fragment.len() - 1, fragment.len() - 3] {
        assert!(
            matches!(error(&fragment[..len]), FragmentError::Damaged),
            "cut to {len}: {:?}",
            error(&fragment[..len])
        );
    }
    // One symbol changed inside the data: the zlib checksum (or the stream itself) catches it.
    let mut altered: Vec<char> = fragment.chars().collect();
    let idx = altered.len() / 2;
    altered[idx] = if altered[idx] == 'A' { 'B' } else { 'A' };
    let altered: String = altered.into_iter().collect();
    assert!(from_fragment(&altered).is_err(), "an altered link is refused");
}

/// A zlib stream that inflates to `n_bytes` zeros, written by hand (fixed Huffman codes:
/// one literal 0, then copies of 258 bytes at distance 1), so the test never holds them.
fn zero_bomb(n_bytes: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        /// Writes `n` bits of `value`, least significant first (deflate's bit order).
        fn put(&mut self, value: u64, n: u32) {
            self.acc |= value << self.n;
            self.n += n;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// Writes a Huffman code, most significant bit first.
        fn code(&mut self, code: u64, n: u32) {
            let reversed = (0..n).fold(0, |acc, i| (acc << 1) | ((code >> i) & 1));
            self.put(reversed, n);
        }
    }
    let mut bits = Bits { out: vec![0x78, 0x01], acc: 0, n: 0 };
    bits.put(1, 1); // BFINAL
    bits.put(1, 2); // BTYPE 01: fixed Huffman codes
    bits.code(0x30, 8); // literal 0
    for _ in 0..(n_bytes - 1) / 258 {
        bits.code(0b1100_0101, 8); // length code 285: 258 bytes
        bits.code(0, 5); // distance code 0: distance 1
    }
    bits.code(0, 7); // end of block
    bits.put(0, 7);
    let n_copied = 1 + (n_bytes - 1) / 258 * 258;
    let adler = ((n_copied % 65521) << 16) | 1;
    bits.out.extend_from_slice(&(adler as u32).to_be_bytes());
    bits.out
}

#[test]
fn a_fragment_inflating_to_100_mb_is_refused_without_inflating_it() {
    let small = zero_bomb(10_000);
    let inflated = miniz_oxide::inflate::decompress_to_vec_zlib(&small).unwrap();
    assert_eq!(inflated.len(), 1 + 9_999 / 258 * 258, "the hand-made stream is valid");
    let mut fragment = PREFIX.to_string();
    base64url_encode(&zero_bomb(100_000_000), &mut fragment);
    assert!(fragment.len() < MAX_FRAGMENT, "the bomb is a link a browser accepts");
    assert_eq!(error(&fragment), FragmentError::TooLarge);
    assert!(error(&fragment).to_string().contains("more than 1 MiB"));
}

#[test]
fn a_huge_fragment_is_refused_before_decoding() {
    let huge = format!("v1.{}", "A".repeat(MAX_FRAGMENT));
    assert!(matches!(error(&huge), FragmentError::TooLong { .. }));
}

#[test]
fn text_that_is_not_a_scenario_is_refused() {
    assert!(matches!(
        error(&pack("apiVersion: v1\nkind: Service\n")),
        FragmentError::NotScenario { .. }
    ));
    assert!(matches!(
        error(&pack("svcroute 1\nnamespace default\n\n")),
        FragmentError::NotScenario { .. }
    ));
    let mut not_text = PREFIX.to_string();
    base64url_encode(
        &miniz_oxide::deflate::compress_to_vec_zlib(&[0xff, 0xfe, 0], 9),
        &mut not_text,
    );
    assert_eq!(error(&not_text), FragmentError::NotText);
    let good = to_text(&default_scenario());
    let extra = good.replacen("speed 1\n", "speed 1\ncolour red\n", 1);
    assert!(error(&pack(&extra)).to_string().contains("unexpected line `colour red`"));
    let reordered = good.replacen(
        "namespace default\nservice kiada\n",
        "service kiada\nnamespace default\n",
        1,
    );
    assert!(error(&pack(&reordered)).to_string().contains("expected the field `namespace`"));
}

#[test]
fn bad_field_values_name_the_field_and_what_it_accepts() {
    let good = to_text(&default_scenario());
    let cases = [
        (
            "entry load-balancer",
            "entry ingress",
            "its entry is `ingress`, but it must be load-balancer",
        ),
        (
            "port name:http",
            "port 80",
            "its port is `80`, but it must be -, name:NAME or number:NUMBER",
        ),
        ("port name:http", "port number:70000", "a port number is from 0 to 65535"),
        ("port name:http", "port name:", "a name cannot be empty"),
        ("port name:http", "port name:-", "a port name is needed"),
        (
            "client external",
            "client ip:999.1.1.1",
            "its client is `ip:999.1.1.1`, but it is not an IP address",
        ),
        ("client external", "client pod:%zz", "it is not escaped properly"),
        (
            "external-traffic-policy -",
            "external-traffic-policy local",
            "it must be Cluster or Local",
        ),
        ("load-balancer-support on", "load-balancer-support yes", "it must be on or off"),
        ("compare off", "compare 1", "it must be on or off"),
        ("seed 1", "seed -1", "a seed is a whole number"),
        ("speed 1", "speed NaN", "a speed is a number above 0 and at most 100"),
        ("speed 1", "speed inf", "a speed is a number above 0"),
        ("speed 1", "speed 0", "a speed is a number above 0"),
        ("speed 1", "speed fast", "a speed is a number"),
        ("namespace default", "namespace -", "a namespace is needed"),
    ];
    for (from, to, expected) in cases {
        assert!(good.contains(from), "{from}");
        let message = error(&pack(&good.replacen(from, to, 1))).to_string();
        assert!(message.contains(expected), "{to}: {message}");
    }
}

#[test]
fn base64url_matches_rfc_4648_test_vectors() {
    let vectors = [
        ("", ""),
        ("f", "Zg"),
        ("fo", "Zm8"),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg"),
        ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
        ("\u{fb}\u{ff}", "w7vDvw"),
    ];
    for (plain, encoded) in vectors {
        let mut out = String::new();
        base64url_encode(plain.as_bytes(), &mut out);
        assert_eq!(out, encoded);
        assert_eq!(base64url_decode(encoded).unwrap(), plain.as_bytes());
    }
    assert_eq!(base64url_decode("Z"), Err(FragmentError::Damaged));
}

/// Every cut and every one-character edit of a real link decodes or fails with an error;
/// none panics, and none that decodes gives anything but the original (the checksum).
#[test]
fn no_cut_or_edit_of_a_link_panics() {
    let scenario = default_scenario();
    let fragment = to_fragment(&scenario);
    for len in 0..fragment.len() {
        let _ = from_fragment(&fragment[..len]);
    }
    for idx in 0..fragment.len() {
        for replacement in ['A', '_', '-', '9', '.', '#', '%', 'é'] {
            let mut edited = fragment.clone();
            edited.replace_range(idx..idx + 1, &replacement.to_string());
            if let Ok(decoded) = from_fragment(&edited) {
                assert_eq!(decoded, scenario, "an edit at {idx} gave another scenario");
            }
        }
    }
}
