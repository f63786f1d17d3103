//! A small SVG writer: elements with escaped attributes and text, numbers with one decimal.
//!
//! Only what the certificate timeline needs: `rect`, `line`, `text`, `g`, `title`,
//! `pattern`. Every string from the input goes through [`escape`], so an entityID or a
//! certificate subject can never close an element or start a script.

use std::fmt::Write;

/// Text or an attribute value made safe inside XML/HTML: `& < > " '` become character
/// references, and characters a reader would not show as written (controls, bidi overrides,
/// zero-width characters) become U+FFFD, so a crafted name cannot reorder what is shown.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(' '),
            c if super::is_unsafe_char(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A number as SVG writes it: at most one decimal, no `-0`, non-finite values as 0.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let r = (v * 10.0).round() / 10.0;
    let s = format!("{r:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s).to_string();
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// An SVG document being written; [`Svg::finish`] closes it.
#[derive(Debug)]
pub struct Svg {
    out: String,
    open: Vec<&'static str>,
}

impl Svg {
    /// A new `<svg>` element of the given size, with `role="img"` and an accessible label.
    pub fn new(width: f64, height: f64, label: &str) -> Svg {
        let mut out = String::new();
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{l}">"#,
            w = num(width),
            h = num(height),
            l = escape(label)
        );
        Svg {
            out,
            open: Vec::new(),
        }
    }

    fn attrs(&mut self, attrs: &[(&str, &str)]) {
        for (k, v) in attrs {
            let _ = write!(self.out, r#" {k}="{}""#, escape(v));
        }
    }

    /// Opens a group `<g>` with attributes; close it with [`Svg::end`].
    pub fn group(&mut self, attrs: &[(&str, &str)]) -> &mut Svg {
        self.out.push_str("<g");
        self.attrs(attrs);
        self.out.push('>');
        self.open.push("g");
        self
    }

    /// Opens `<defs>`; close it with [`Svg::end`].
    pub fn defs(&mut self) -> &mut Svg {
        self.out.push_str("<defs>");
        self.open.push("defs");
        self
    }

    /// A diagonal hatching pattern with the given id and stroke colour (inside `defs`).
    pub fn hatch(&mut self, id: &str, color: &str) -> &mut Svg {
        let _ = write!(
            self.out,
            r##"<pattern id="{}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="{}" stroke-width="3"/></pattern>"##,
            escape(id),
            escape(color)
        );
        self
    }

    /// Closes the innermost open group or `defs`.
    pub fn end(&mut self) -> &mut Svg {
        if let Some(tag) = self.open.pop() {
            let _ = write!(self.out, "</{tag}>");
        }
        self
    }

    /// A rectangle; `title` (a tooltip, also read by screen readers) when not empty.
    pub fn rect(
        &mut self,
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        attrs: &[(&str, &str)],
        title: &str,
    ) -> &mut Svg {
        let _ = write!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}""#,
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0))
        );
        self.attrs(attrs);
        self.close_with_title("rect", title);
        self
    }

    /// A line from (x1, y1) to (x2, y2).
    pub fn line(
        &mut self,
        (x1, y1): (f64, f64),
        (x2, y2): (f64, f64),
        attrs: &[(&str, &str)],
    ) -> &mut Svg {
        let _ = write!(
            self.out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}""#,
            num(x1),
            num(y1),
            num(x2),
            num(y2)
        );
        self.attrs(attrs);
        self.out.push_str("/>");
        self
    }

    /// Text at (x, y) (the baseline); `title` when not empty.
    pub fn text(
        &mut self,
        x: f64,
        y: f64,
        text: &str,
        attrs: &[(&str, &str)],
        title: &str,
    ) -> &mut Svg {
        let _ = write!(self.out, r#"<text x="{}" y="{}""#, num(x), num(y));
        self.attrs(attrs);
        self.out.push('>');
        if !title.is_empty() {
            let _ = write!(self.out, "<title>{}</title>", escape(title));
        }
        self.out.push_str(&escape(text));
        self.out.push_str("</text>");
        self
    }

    fn close_with_title(&mut self, tag: &str, title: &str) {
        if title.is_empty() {
            self.out.push_str("/>");
        } else {
            let _ = write!(self.out, "><title>{}</title></{tag}>", escape(title));
        }
    }

    /// Closes every open element and the `<svg>`, and returns the markup.
    pub fn finish(mut self) -> String {
        while self.open.last().is_some() {
            self.end();
        }
        self.out.push_str("</svg>");
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_at_most_one_decimal() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.25), "1.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(f64::INFINITY), "0");
        assert_eq!(num(310.04), "310");
    }

    #[test]
    fn escapes_markup_and_hidden_characters() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'q'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"
        );
        assert_eq!(escape("a\u{202e}b\u{1b}c"), "a\u{fffd}b\u{fffd}c");
        assert_eq!(escape("line\nbreak"), "line break");
    }

    #[test]
    fn empty_document_is_well_formed() {
        let s = Svg::new(100.0, 20.0, "empty").finish();
        assert_eq!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="20" viewBox="0 0 100 20" role="img" aria-label="empty"></svg>"#
        );
    }

    #[test]
    fn elements_at_their_positions_with_escaped_attributes_and_text() {
        let mut s = Svg::new(200.0, 50.0, "t<");
        s.group(&[("class", "a\"b")])
            .rect(10.0, 5.5, 30.25, -4.0, &[("class", "bar")], "x<y")
            .line((1.0, 2.0), (3.0, 4.0), &[("stroke", "red")])
            .text(7.0, 8.0, "<b>", &[], "");
        let out = s.finish();
        assert!(out.contains(r#"aria-label="t&lt;""#));
        assert!(out.contains(r#"<g class="a&quot;b">"#));
        assert!(out.contains(
            r#"<rect x="10" y="5.5" width="30.3" height="0" class="bar"><title>x&lt;y</title></rect>"#
        ));
        assert!(out.contains(r#"<line x1="1" y1="2" x2="3" y2="4" stroke="red"/>"#));
        assert!(out.contains(r#"<text x="7" y="8">&lt;b&gt;</text>"#));
        // The open group is closed before the svg.
        assert!(out.ends_with("</g></svg>"));
        assert!(!out.contains("<b>"));
    }

    #[test]
    fn defs_and_hatch() {
        let mut s = Svg::new(10.0, 10.0, "p");
        s.defs().hatch("h", "#999").end();
        let out = s.finish();
        assert!(out.contains(r#"<defs><pattern id="h""#));
        assert!(out.contains("</pattern></defs></svg>"));
    }
}
