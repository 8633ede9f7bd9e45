//! Hostile inputs of about 1 MiB: nesting that a recursive parser turns into a stack
//! overflow, and aliases that a naive one expands exponentially.

/// The size each hostile input is cut to.
pub const SIZE: usize = 1 << 20;

/// One hostile input: a name for the table, whether it is JSON, and the text.
pub struct Hostile {
    pub name: &'static str,
    pub is_json: bool,
    pub text: String,
}

fn repeat_to_size(unit: &str) -> String {
    unit.repeat(SIZE / unit.len())
}

/// Deep nesting hidden in a field svcroute skips, inside an otherwise valid Service.
fn in_service_yaml(nested: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: hostile\n  annotations:\n    note: {nested}\nspec:\n  ports:\n  - port: 80\n"
    )
}

fn in_service_json(nested: &str) -> String {
    format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{{\"name\":\"hostile\",\"annotations\":{{\"note\":{nested}}}}},\"spec\":{{\"ports\":[{{\"port\":80}}]}}}}"
    )
}

/// Block mappings nested by indentation: depth d costs about d² bytes, so 1 MiB is ~1,000 deep.
fn block_maps() -> String {
    let mut text = String::new();
    let mut depth = 0;
    loop {
        let line_len = 2 * depth + 3;
        if text.len() + line_len > SIZE {
            break;
        }
        text.push_str(&" ".repeat(2 * depth));
        text.push_str("a:\n");
        depth += 1;
    }
    text
}

/// "Billion laughs": each level refers to the previous one nine times.
fn alias_bomb() -> String {
    let mut text = String::from(
        "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for level in 1..10 {
        let prev = level - 1;
        let refs = vec![format!("*a{prev}"); 9].join(",");
        text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    text
}

pub fn inputs() -> Vec<Hostile> {
    let brackets = repeat_to_size("[");
    let flow_maps = repeat_to_size("{a: ");
    let json_maps = repeat_to_size("{\"a\":");
    vec![
        Hostile { name: "YAML: 1 MiB of `[`", is_json: false, text: brackets.clone() },
        Hostile {
            name: "YAML: 1 MiB of `{a: ` (flow maps)",
            is_json: false,
            text: flow_maps.clone(),
        },
        Hostile { name: "YAML: block maps ~1,000 deep", is_json: false, text: block_maps() },
        Hostile {
            name: "YAML: `[` nesting in a skipped annotation",
            is_json: false,
            text: in_service_yaml(&brackets[..SIZE - 200]),
        },
        Hostile {
            name: "YAML: alias bomb (10⁹ nodes if expanded)",
            is_json: false,
            text: alias_bomb(),
        },
        Hostile { name: "JSON: 1 MiB of `[`", is_json: true, text: brackets.clone() },
        Hostile { name: "JSON: 1 MiB of `{\"a\":`", is_json: true, text: json_maps.clone() },
        Hostile {
            name: "JSON: `{\"a\":` nesting in a skipped annotation",
            is_json: true,
            text: in_service_json(&json_maps[..SIZE - 200]),
        },
    ]
}
