//! The certificate timeline: every signing and encryption certificate of the files as a bar
//! from notBefore to notAfter, on one time axis, drawn as inline SVG.
//!
//! The `at` instant is a vertical line, the `warn_days` window after it is shaded, expired
//! certificates are hatched grey, not-yet-valid ones outlined, and bars of the same entity
//! and use share a band so that the overlap of a rollover is visible at a glance. Work is
//! linear in the number of certificates (one sort per entity group for the overlaps).

use super::svg::Svg;
use crate::model::{KeyUse, Metadata};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use serde::Serialize;
use std::collections::HashMap;

/// What a certificate is used for, as drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CertUse {
    /// `use="signing"`.
    Signing,
    /// `use="encryption"`.
    Encryption,
    /// No `use`: both.
    Both,
}

impl CertUse {
    /// `signing`, `encryption` or `signing+encryption`.
    pub fn as_str(self) -> &'static str {
        match self {
            CertUse::Signing => "signing",
            CertUse::Encryption => "encryption",
            CertUse::Both => "signing+encryption",
        }
    }
}

/// One certificate of one entity, as a bar of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CertBar {
    /// The file it was read from.
    pub file: String,
    /// The entityID of the entity that lists it.
    pub entity: String,
    /// Signing, encryption or both.
    pub usage: CertUse,
    /// Subject distinguished name.
    pub subject: String,
    /// SHA-1 thumbprint (uppercase hex), as Entra shows it.
    pub sha1_thumbprint: String,
    /// Start of validity.
    pub not_before: DateTime<Utc>,
    /// End of validity.
    pub not_after: DateTime<Utc>,
    /// The roles listing it (`IDPSSODescriptor`, ...), each once.
    pub roles: Vec<String>,
}

impl CertBar {
    /// A bar for a certificate valid from `not_before` to `not_after`.
    pub fn new(
        entity: &str,
        usage: CertUse,
        subject: &str,
        not_before: DateTime<Utc>,
        not_after: DateTime<Utc>,
    ) -> CertBar {
        CertBar {
            file: String::new(),
            entity: entity.to_string(),
            usage,
            subject: subject.to_string(),
            sha1_thumbprint: String::new(),
            not_before,
            not_after,
            roles: Vec::new(),
        }
    }

    /// How the bar is drawn at `at` with a warning window of `warn_days`.
    pub fn state(&self, at: DateTime<Utc>, warn_days: i64) -> BarState {
        if self.not_after < at {
            BarState::Expired
        } else if self.not_before > at {
            BarState::NotYetValid
        } else if self.not_after <= at + Duration::days(warn_days.clamp(0, 36500)) {
            BarState::Expiring
        } else {
            BarState::Valid
        }
    }
}

/// The state of a certificate at the report's instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum BarState {
    /// notAfter is before `at`.
    Expired,
    /// Valid, and notAfter falls within the warning window.
    Expiring,
    /// Valid beyond the warning window.
    Valid,
    /// notBefore is after `at`.
    NotYetValid,
}

impl BarState {
    /// `expired`, `expiring`, `valid`, `not-yet-valid` (also the CSS class of the bar).
    pub fn as_str(self) -> &'static str {
        match self {
            BarState::Expired => "expired",
            BarState::Expiring => "expiring",
            BarState::Valid => "valid",
            BarState::NotYetValid => "not-yet-valid",
        }
    }
}

/// Every certificate with usable facts of every entity of `md`, one bar per entity, use and
/// certificate (a certificate listed by several roles of the entity is one bar naming them).
pub fn certificates(md: &Metadata, file: &str) -> Vec<CertBar> {
    let mut out: Vec<CertBar> = Vec::new();
    let mut seen: HashMap<(usize, CertUse, String), usize> = HashMap::new();
    for (ei, e) in md.entities.iter().enumerate() {
        for r in &e.roles {
            let role = r.kind.label();
            for k in &r.keys {
                let usage = match k.usage {
                    KeyUse::Signing => CertUse::Signing,
                    KeyUse::Encryption => CertUse::Encryption,
                    KeyUse::Both | KeyUse::Invalid => CertUse::Both,
                };
                for c in &k.certificates {
                    let Ok(f) = &c.facts else { continue };
                    let key = (ei, usage, f.sha256_fingerprint.clone());
                    if let Some(bar) = seen.get(&key).and_then(|&i| out.get_mut(i)) {
                        if !bar.roles.contains(&role) && bar.roles.len() < 16 {
                            bar.roles.push(role.clone());
                        }
                        continue;
                    }
                    seen.insert(key, out.len());
                    let mut bar =
                        CertBar::new(e.entity_id(), usage, &f.subject, f.not_before, f.not_after);
                    bar.file = file.to_string();
                    bar.sha1_thumbprint = f.sha1_thumbprint.clone();
                    bar.roles.push(role.clone());
                    out.push(bar);
                }
            }
        }
    }
    out
}

/// Width of the drawing, in CSS pixels.
pub const WIDTH: f64 = 960.0;
const LABEL_W: f64 = 330.0;
const X0: f64 = LABEL_W + 10.0;
const X1: f64 = WIDTH - 20.0;
const TOP: f64 = 36.0;
const ROW: f64 = 34.0;
const LEGEND: f64 = 40.0;
/// The axis never spans more than this many years on either side of `at` (a certificate
/// valid until 9999 is drawn to the edge, its tooltip giving the real date).
const MAX_YEARS: i64 = 12;

/// The time span drawn: every bar and the warning window, padded, clamped to
/// [`MAX_YEARS`] either side of `at`.
fn span(bars: &[CertBar], at: DateTime<Utc>, warn_days: i64) -> (DateTime<Utc>, DateTime<Utc>) {
    let warn_end = at + Duration::days(warn_days.clamp(0, 36500));
    let lo = bars
        .iter()
        .map(|b| b.not_before)
        .min()
        .unwrap_or(at)
        .min(at);
    let hi = bars
        .iter()
        .map(|b| b.not_after)
        .max()
        .unwrap_or(warn_end)
        .max(warn_end);
    let limit = Duration::days(MAX_YEARS * 366);
    let lo = lo.max(at - limit);
    let hi = hi.min(at + limit).max(warn_end.min(at + limit));
    let pad = Duration::seconds(((hi - lo).num_seconds() / 30).max(86_400 * 15));
    (lo - pad, hi + pad)
}

/// Tick instants for the axis: the first of each year, or of each quarter when the span is
/// under three years (at most about 30 ticks).
fn ticks(lo: DateTime<Utc>, hi: DateTime<Utc>) -> Vec<(DateTime<Utc>, String)> {
    let quarterly = (hi - lo).num_days() < 3 * 366;
    let mut out = Vec::new();
    let (mut y, mut m) = (lo.year(), if quarterly { lo.month0() / 3 * 3 } else { 0 });
    while out.len() < 64 {
        let Some(t) = Utc
            .with_ymd_and_hms(y, m.saturating_add(1), 1, 0, 0, 0)
            .single()
        else {
            break;
        };
        if t > hi {
            break;
        }
        if t >= lo {
            let label = if quarterly && m != 0 {
                t.format("%b").to_string()
            } else {
                y.to_string()
            };
            out.push((t, label));
        }
        if quarterly {
            m = m.saturating_add(3);
            if m >= 12 {
                m = 0;
                y = y.saturating_add(1);
            }
        } else {
            y = y.saturating_add(1);
        }
    }
    out
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The timeline as an SVG element (no XML declaration: it is meant to be inlined in HTML).
/// Bars keep the order given; each entity's bars of one use are a group whose overlapping
/// validity (both certificates valid: a rollover) is drawn as a band across their rows.
pub fn svg(bars: &[CertBar], at: DateTime<Utc>, warn_days: i64) -> String {
    let rows = bars.len().max(1);
    let height = TOP + ROW * (rows as f64) + LEGEND;
    let mut s = Svg::new(WIDTH, height, "certificate timeline");
    s.defs().hatch("tl-hatch", "#9a9a9a").end();
    let (lo, hi) = span(bars, at, warn_days);
    let total = (hi - lo).num_seconds().max(1) as f64;
    let x = |t: DateTime<Utc>| {
        let t = t.clamp(lo, hi);
        X0 + (X1 - X0) * ((t - lo).num_seconds() as f64) / total
    };
    let bottom = TOP + ROW * (rows as f64);

    // Axis: ticks and grid lines.
    s.group(&[("class", "tl-axis")]);
    for (t, label) in ticks(lo, hi) {
        let tx = x(t);
        s.line((tx, TOP - 6.0), (tx, bottom), &[("class", "tl-grid")]);
        s.text(tx + 3.0, TOP - 10.0, &label, &[("class", "tl-tick")], "");
    }
    s.end();

    // The warning window after `at`.
    let warn_end = at + Duration::days(warn_days.clamp(0, 36500));
    let (wx0, wx1) = (x(at), x(warn_end));
    s.rect(
        wx0,
        TOP,
        wx1 - wx0,
        bottom - TOP,
        &[("class", "tl-warn")],
        &format!(
            "warning window: {warn_days} days after {}",
            at.format("%Y-%m-%d")
        ),
    );

    // One row per certificate.
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW * (i as f64);
        let state = b.state(at, warn_days);
        let days = (b.not_after - at).num_days();
        let when = match state {
            BarState::Expired => format!("expired {} days ago", -days),
            BarState::NotYetValid => format!(
                "not valid before {} ({} days)",
                b.not_before.format("%Y-%m-%d"),
                (b.not_before - at).num_days()
            ),
            _ => format!("{days} days left"),
        };
        let tip = format!(
            "{} certificate {} of {} ({}), {} to {}: {when}; SHA-1 {}",
            b.usage.as_str(),
            b.subject,
            b.entity,
            b.roles.join(", "),
            b.not_before
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            b.not_after
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            b.sha1_thumbprint
        );
        s.group(&[("class", &format!("tl-row tl-{}", state.as_str()))]);
        s.text(
            4.0,
            y + 14.0,
            &format!("{} · {}", b.usage.as_str(), shorten(&b.subject, 44)),
            &[("class", "tl-label")],
            &b.subject,
        );
        let sub = if b.file.is_empty() {
            shorten(&b.entity, 52)
        } else {
            shorten(&format!("{} · {}", b.entity, b.file), 52)
        };
        s.text(4.0, y + 28.0, &sub, &[("class", "tl-sub")], &b.entity);
        let (bx0, bx1) = (x(b.not_before), x(b.not_after));
        s.rect(
            bx0,
            y + 8.0,
            (bx1 - bx0).max(2.0),
            18.0,
            &[("class", &format!("tl-bar tl-{}", state.as_str()))],
            &tip,
        );
        let label = format!(
            "{} – {} · {when}",
            b.not_before.format("%Y-%m-%d"),
            b.not_after.format("%Y-%m-%d")
        );
        // The date label inside the bar when it fits, else after it (or before it at the edge).
        let est = (label.chars().count() as f64) * 6.2;
        let (lx, anchor) = if bx1 - bx0 > est + 8.0 {
            (bx0 + 4.0, "start")
        } else if bx1 + 4.0 + est < X1 {
            (bx1 + 4.0, "start")
        } else {
            (bx0 - 4.0, "end")
        };
        s.text(
            lx,
            y + 21.0,
            &label,
            &[("class", "tl-dates"), ("text-anchor", anchor)],
            "",
        );
        s.end();
    }
    // Rollover overlaps, drawn over the bars (translucent): per (file, entity, use) group, the spans where two or more
    // certificates are valid at once.
    let mut groups: HashMap<(&str, &str, CertUse), Vec<usize>> = HashMap::new();
    let mut order: Vec<(&str, &str, CertUse)> = Vec::new();
    for (i, b) in bars.iter().enumerate() {
        let k = (b.file.as_str(), b.entity.as_str(), b.usage);
        let v = groups.entry(k).or_insert_with(|| {
            order.push(k);
            Vec::new()
        });
        v.push(i);
    }
    s.group(&[("class", "tl-overlaps")]);
    for k in &order {
        let Some(idx) = groups.get(k) else { continue };
        if idx.len() < 2 {
            continue;
        }
        let (first, last) = (
            idx.first().copied().unwrap_or(0),
            idx.last().copied().unwrap_or(0),
        );
        let (y0, y1) = (
            TOP + ROW * (first as f64) + 2.0,
            TOP + ROW * ((last + 1) as f64) - 2.0,
        );
        let mut by_start: Vec<&CertBar> = idx.iter().filter_map(|&i| bars.get(i)).collect();
        by_start.sort_by_key(|b| b.not_before);
        let mut reach: Option<DateTime<Utc>> = None;
        for b in by_start {
            if let Some(r) = reach {
                if b.not_before < r {
                    let end = r.min(b.not_after);
                    s.rect(
                        x(b.not_before),
                        y0,
                        x(end) - x(b.not_before),
                        y1 - y0,
                        &[("class", "tl-overlap")],
                        &format!(
                            "rollover overlap: {} certificates of {} valid from {} to {}",
                            k.2.as_str(),
                            k.1,
                            b.not_before.format("%Y-%m-%d"),
                            end.format("%Y-%m-%d")
                        ),
                    );
                }
            }
            reach = Some(reach.map_or(b.not_after, |r| r.max(b.not_after)));
        }
    }
    s.end();

    if bars.is_empty() {
        s.text(
            X0,
            TOP + 20.0,
            "no certificate with readable dates",
            &[("class", "tl-empty")],
            "",
        );
    }

    // The instant of evaluation.
    s.line((wx0, TOP - 4.0), (wx0, bottom + 4.0), &[("class", "tl-at")]);
    s.text(
        wx0,
        bottom + 16.0,
        &format!("at {}", at.format("%Y-%m-%d %H:%M UTC")),
        &[("class", "tl-at-label"), ("text-anchor", "middle")],
        "",
    );

    // Legend.
    let ly = bottom + 26.0;
    let mut lx = 4.0;
    for (class, label) in [
        ("tl-swatch tl-bar tl-valid", "valid"),
        (
            "tl-swatch tl-bar tl-expiring",
            "expires within the warning window",
        ),
        ("tl-swatch tl-bar tl-expired", "expired"),
        ("tl-swatch tl-bar tl-not-yet-valid", "not yet valid"),
        ("tl-swatch tl-overlap", "rollover overlap"),
        (
            "tl-swatch tl-warn",
            &format!("warning window ({warn_days} days)"),
        ),
    ] {
        s.rect(lx, ly, 14.0, 10.0, &[("class", class)], "");
        s.text(lx + 18.0, ly + 9.0, label, &[("class", "tl-legend")], "");
        lx += 30.0 + (label.chars().count() as f64) * 6.2;
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn bar(entity: &str, nb: &str, na: &str) -> CertBar {
        CertBar::new(entity, CertUse::Signing, "CN=x", t(nb), t(na))
    }

    #[test]
    fn states() {
        let at = t("2026-12-01T00:00:00Z");
        let b = |nb, na| bar("e", nb, na).state(at, 60);
        assert_eq!(
            b("2020-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
            BarState::Expired
        );
        assert_eq!(
            b("2024-01-01T00:00:00Z", "2027-01-15T00:00:00Z"),
            BarState::Expiring
        );
        assert_eq!(
            b("2024-01-01T00:00:00Z", "2029-01-15T00:00:00Z"),
            BarState::Valid
        );
        assert_eq!(
            b("2027-01-01T00:00:00Z", "2029-01-15T00:00:00Z"),
            BarState::NotYetValid
        );
    }

    #[test]
    fn empty_input_draws_axis_at_and_a_message() {
        let at = t("2026-12-01T00:00:00Z");
        let s = svg(&[], at, 30);
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains("no certificate with readable dates"));
        assert!(s.contains(r#"class="tl-at""#));
        assert!(!s.contains("class=\"tl-bar "));
    }

    /// Bars are placed proportionally: the bar ending at `at` ends at the at line.
    #[test]
    fn positions_follow_the_time_axis() {
        let at = t("2026-12-01T00:00:00Z");
        let bars = vec![
            bar("e", "2024-01-01T00:00:00Z", "2026-12-01T00:00:00Z"),
            bar("e", "2026-06-01T00:00:00Z", "2029-06-01T00:00:00Z"),
        ];
        let s = svg(&bars, at, 60);
        let at_x = s
            .split(r#"class="tl-at""#)
            .next()
            .unwrap()
            .rsplit("<line x1=\"")
            .next()
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse::<f64>()
            .unwrap();
        // First bar: x + width == at line.
        let rect = s.split("tl-bar tl-").next().unwrap();
        let r = rect.rsplit("<rect ").next().unwrap();
        let attr = |name: &str| -> f64 {
            r.split(&format!("{name}=\""))
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        assert!((attr("x") + attr("width") - at_x).abs() < 0.2, "{r}");
        assert!(attr("x") >= X0 && at_x <= X1);
        // The two certificates overlap from 2026-06-01 to 2026-12-01.
        assert!(s.contains(
            "rollover overlap: signing certificates of e valid from 2026-06-01 to 2026-12-01"
        ));
        assert_eq!(s.matches("class=\"tl-bar ").count(), 2);
    }

    #[test]
    fn expired_and_not_yet_valid_are_distinct_and_names_escaped() {
        let at = t("2026-12-01T00:00:00Z");
        let mut b1 = bar(
            "<script>x</script>",
            "2020-01-01T00:00:00Z",
            "2021-01-01T00:00:00Z",
        );
        b1.subject = "CN=<b>".into();
        let b2 = bar("e", "2027-06-01T00:00:00Z", "2030-01-01T00:00:00Z");
        let s = svg(&[b1, b2], at, 30);
        assert!(s.contains(r#"class="tl-bar tl-expired""#));
        assert!(s.contains(r#"class="tl-bar tl-not-yet-valid""#));
        assert!(!s.contains("<script>") && !s.contains("<b>"));
        assert!(s.contains("&lt;script&gt;"));
        // No overlap between certificates of different entities.
        assert!(!s.contains("rollover overlap:"));
    }

    #[test]
    fn far_dates_are_clamped_and_ticks_bounded() {
        let at = t("2026-12-01T00:00:00Z");
        let bars = vec![bar("e", "1950-01-01T00:00:00Z", "9999-12-31T23:59:59Z")];
        let s = svg(&bars, at, 30);
        assert!(s.contains("9999-12-31"));
        assert!(s.matches("tl-tick").count() <= 30);
    }

    #[test]
    fn one_bar_per_certificate_of_an_entity() {
        let xml = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/entra-idp.xml"
        ))
        .unwrap();
        let md = crate::parse_metadata(xml, &crate::Limits::default()).unwrap();
        let bars = certificates(&md, "entra-idp.xml");
        // Two signing certificates, each listed by three roles.
        assert_eq!(bars.len(), 2);
        assert_eq!(bars[0].roles.len(), 3);
        assert_eq!(bars[0].file, "entra-idp.xml");
        assert!(bars[0].subject.contains("(old)"));
    }
}
