//! Bar charts drawn on the server as SVG: two bars a row, to scale, labelled, with a title and a
//! description for screen readers. A page shows the same figures in a table beside each chart.

use std::fmt::Write as _;

/// Text for SVG, escaped.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Two bars a row (`first`, then `second`, styled by the classes `a` and `b`), each row labelled
/// below; `id` names the title and description for `aria-labelledby`.
pub fn pairs(id: &str, title: &str, desc: &str, rows: &[(String, u32, u32)]) -> String {
    let top = rows.iter().map(|(_, a, b)| (*a).max(*b)).max().unwrap_or(0).max(1);
    let (bar, gap, height) = (14u32, 18u32, 120u32);
    let width = (rows.len() as u32 * (2 * bar + gap)).max(2 * bar + gap);
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {width} {}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        height + 20,
        escaped(title),
        escaped(desc)
    );
    for (i, (label, a, b)) in rows.iter().enumerate() {
        let x = i as u32 * (2 * bar + gap);
        for (j, (value, class)) in [(*a, "a"), (*b, "b")].into_iter().enumerate() {
            let h = value * height / top;
            let _ = write!(
                svg,
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{bar}\" height=\"{h}\"></rect>",
                x + j as u32 * bar,
                height - h
            );
        }
        let _ = write!(svg, "<text x=\"{x}\" y=\"{}\">{}</text>", height + 16, escaped(label));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_drawn_to_scale_and_text_is_escaped() {
        let svg = pairs("c", "A <title>", "Two & two", &[("2026-11".into(), 4, 2), ("2026-12".into(), 0, 1)]);
        assert!(svg.contains("<title id=\"c-title\">A &lt;title&gt;</title>"), "{svg}");
        assert!(svg.contains("<desc id=\"c-desc\">Two &amp; two</desc>"));
        assert!(
            svg.contains("class=\"a\" x=\"0\" y=\"0\" width=\"14\" height=\"120\""),
            "the tallest bar fills the height"
        );
        assert!(
            svg.contains("class=\"b\" x=\"14\" y=\"60\" width=\"14\" height=\"60\""),
            "half the tallest, half the height"
        );
        assert!(svg.contains("class=\"a\" x=\"46\" y=\"120\" width=\"14\" height=\"0\""), "nothing is no bar");
        assert!(svg.contains(">2026-12</text>"));
        assert!(pairs("e", "t", "d", &[]).contains("viewBox=\"0 0 46 140\""), "an empty chart still has a size");
    }
}
