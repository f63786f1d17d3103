//! `samlcheck.toml`: defaults for `--fail-on` and `--warn-days`, disabled rules (each with a
//! reason), pinned signing certificates per entityID, per-file overrides. Found in the
//! working directory or given with `--config FILE`; `--no-config` ignores it. Flags given on
//! the command line win. The keys are documented in docs/config.md; an unknown key is an
//! error naming the key and its line.

use crate::common::FailOn;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file looked for in the working directory.
pub const FILE_NAME: &str = "samlcheck.toml";

/// The whole file.
#[derive(Deserialize, Debug, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Default `--fail-on` of check, lint and verify.
    pub fail_on: Option<FailOn>,
    /// Default `--warn-days` of check, lint, verify and show.
    pub warn_days: Option<i64>,
    /// Rules not reported by `lint` (each with the reason it is off).
    #[serde(default)]
    pub disable: Vec<Disable>,
    /// Signing certificates trusted for an entity (verify, and the pair check's signatures).
    #[serde(default)]
    pub pin: Vec<Pin>,
    /// Settings for the files whose path matches a glob.
    #[serde(default)]
    pub files: Vec<FileOverride>,
    /// Where the file was read from (relative certificate paths start there).
    #[serde(skip)]
    pub dir: PathBuf,
}

/// A disabled rule.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Disable {
    /// A rule code, or `prefix.*` for a family.
    pub code: String,
    /// Why it is off (required, not empty).
    pub reason: String,
}

/// Certificates pinned for one entityID.
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// The entityID whose metadata signatures must come from these keys.
    pub entity_id: String,
    /// SHA-256 (or SHA-1) fingerprints, hex, colons allowed.
    #[serde(default)]
    pub fingerprints: Vec<String>,
    /// Certificate files (PEM or DER), relative to the configuration file.
    #[serde(default)]
    pub certificates: Vec<PathBuf>,
}

/// Settings for files whose path matches `path` (`*` and `?` within a path segment, `**`
/// across segments).
#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct FileOverride {
    /// The glob, matched against the path as given on the command line.
    pub path: String,
    /// `--fail-on` for these files.
    pub fail_on: Option<FailOn>,
    /// `--warn-days` for these files.
    pub warn_days: Option<i64>,
    /// More rules disabled for these files.
    #[serde(default)]
    pub disable: Vec<Disable>,
}

impl Config {
    /// Parses and checks a configuration (`name` is shown in messages).
    pub fn parse(text: &str, name: &str) -> Result<Config, String> {
        let mut c: Config = toml::from_str(text)
            .map_err(|e| format!("{name}: {}", e.to_string().trim_end().replace('\n', "\n  ")))?;
        let check_disable = |d: &Disable, at: &str| -> Result<(), String> {
            if d.reason.trim().is_empty() {
                return Err(format!(
                    "{name}: {at}disable code = \"{}\": the reason must not be empty",
                    d.code
                ));
            }
            let known = match d.code.strip_suffix(".*") {
                Some(p) => {
                    let p = format!("{p}.");
                    samlcheck::catalog::rules()
                        .iter()
                        .any(|r| r.code.starts_with(&p))
                }
                None => samlcheck::catalog::rule(&d.code).is_some(),
            };
            if !known {
                return Err(format!(
                    "{name}: {at}disable: unknown rule code {:?}; `samlcheck rules` lists every code",
                    d.code
                ));
            }
            Ok(())
        };
        let days = |d: Option<i64>, at: &str| -> Result<(), String> {
            match d {
                Some(n) if !(0..=36500).contains(&n) => Err(format!(
                    "{name}: {at}warn_days = {n}: expected a whole number of days from 0 to 36500"
                )),
                _ => Ok(()),
            }
        };
        days(c.warn_days, "")?;
        for d in &c.disable {
            check_disable(d, "")?;
        }
        for f in &c.files {
            let at = format!("[[files]] path = {:?}: ", f.path);
            days(f.warn_days, &at)?;
            for d in &f.disable {
                check_disable(d, &at)?;
            }
        }
        let mut probe = samlcheck::Trust::embedded();
        for p in &c.pin {
            if p.fingerprints.is_empty() && p.certificates.is_empty() {
                return Err(format!(
                    "{name}: [[pin]] entity_id = {:?}: give fingerprints or certificates",
                    p.entity_id
                ));
            }
            for f in &p.fingerprints {
                probe
                    .add_fingerprint(f)
                    .map_err(|e| format!("{name}: [[pin]] entity_id = {:?}: {e}", p.entity_id))?;
            }
        }
        c.dir = Path::new(name)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Ok(c)
    }

    /// Reads `--config FILE`, or `./samlcheck.toml` when it exists; `None` with
    /// `--no-config` or when there is no file.
    pub fn load(given: Option<&Path>, no_config: bool) -> Result<Option<Config>, String> {
        if no_config {
            return Ok(None);
        }
        let path = match given {
            Some(p) => p.to_path_buf(),
            None => {
                let p = PathBuf::from(FILE_NAME);
                if !p.is_file() {
                    return Ok(None);
                }
                p
            }
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("--config {}: {e}", path.display()))?;
        Config::parse(&text, &path.display().to_string()).map(Some)
    }

    /// The settings for a run over `files`: the top level, then every `[[files]]` entry
    /// whose pattern matches each of the files, in order (a later one wins).
    pub fn effective(&self, files: &[PathBuf]) -> Settings {
        let mut s = Settings {
            fail_on: self.fail_on,
            warn_days: self.warn_days,
            disable: self.disable.iter().map(|d| d.code.clone()).collect(),
        };
        if files.is_empty() {
            return s;
        }
        for o in &self.files {
            let all = files.iter().all(|f| {
                let shown = f.to_string_lossy();
                glob_match(&o.path, shown.strip_prefix("./").unwrap_or(&shown))
            });
            if all {
                s.fail_on = o.fail_on.or(s.fail_on);
                s.warn_days = o.warn_days.or(s.warn_days);
                s.disable.extend(o.disable.iter().map(|d| d.code.clone()));
            }
        }
        s
    }

    /// Trust for a file holding these entityIDs: embedded keys, plus what `[[pin]]` lists
    /// for any of them.
    pub fn trust_for(&self, entity_ids: &[String]) -> Result<samlcheck::Trust, String> {
        let mut t = samlcheck::Trust::embedded();
        for p in self
            .pin
            .iter()
            .filter(|p| entity_ids.contains(&p.entity_id))
        {
            for f in &p.fingerprints {
                t.add_fingerprint(f).map_err(|e| e.to_string())?;
            }
            for c in &p.certificates {
                let path = self.dir.join(c);
                let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                t.add_cert_bytes(&bytes)
                    .map_err(|e| e.in_file(&path.display().to_string()))?;
            }
        }
        Ok(t)
    }

    /// Every `[[pin]]` as (entityID, trust), for the library calls.
    pub fn pinned(&self) -> Result<Vec<(String, samlcheck::Trust)>, String> {
        self.pin
            .iter()
            .map(|p| {
                Ok((
                    p.entity_id.clone(),
                    self.trust_for(std::slice::from_ref(&p.entity_id))?,
                ))
            })
            .collect()
    }

    /// The pins (fingerprints, certificate paths) for these entityIDs.
    pub fn pins_for(&self, entity_ids: &[String]) -> (Vec<String>, Vec<PathBuf>) {
        let mut f = Vec::new();
        let mut c = Vec::new();
        for p in self
            .pin
            .iter()
            .filter(|p| entity_ids.contains(&p.entity_id))
        {
            f.extend(p.fingerprints.iter().cloned());
            c.extend(p.certificates.iter().map(|x| self.dir.join(x)));
        }
        (f, c)
    }
}

/// What the configuration sets for one run (command-line flags still win).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Settings {
    pub fail_on: Option<FailOn>,
    pub warn_days: Option<i64>,
    pub disable: Vec<String>,
}

static LOADED: std::sync::OnceLock<Option<Config>> = std::sync::OnceLock::new();

/// Keeps the loaded configuration for the commands (set once, in main).
pub fn set(c: Option<Config>) {
    let _ = LOADED.set(c);
}

/// The loaded configuration, if any.
pub fn get() -> Option<&'static Config> {
    LOADED.get().and_then(Option::as_ref)
}

/// The configuration's pins as (entityID, trust), for the pair check and lint.
pub fn pinned() -> Result<Vec<(String, samlcheck::Trust)>, String> {
    get().map_or_else(|| Ok(Vec::new()), Config::pinned)
}

/// A glob: `*` and `?` do not cross `/`, `**` does. Patterns and paths are short; the
/// backtracking is bounded by their lengths' product.
pub fn glob_match(pattern: &str, path: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = path.chars().collect();
    // matches[i][j]: p[i..] matches s[j..]; computed from the end.
    let (n, m) = (p.len(), s.len());
    let mut table = vec![vec![false; m + 1]; n + 1];
    if let Some(row) = table.get_mut(n) {
        if let Some(x) = row.get_mut(m) {
            *x = true;
        }
    }
    for i in (0..n).rev() {
        let c = p.get(i).copied().unwrap_or('\0');
        let double = c == '*' && p.get(i + 1) == Some(&'*');
        for j in (0..=m).rev() {
            let at =
                |a: usize, b: usize| table.get(a).and_then(|r| r.get(b)).copied() == Some(true);
            let sc = s.get(j).copied();
            let v = match c {
                '*' if double => {
                    // `**/` also matches no directory at all.
                    let skip = if p.get(i + 2) == Some(&'/') {
                        i + 3
                    } else {
                        i + 2
                    };
                    at(skip, j) || at(i + 2, j) || (sc.is_some() && at(i, j + 1))
                }
                '*' => at(i + 1, j) || (sc.is_some_and(|x| x != '/') && at(i, j + 1)),
                '?' => sc.is_some_and(|x| x != '/') && at(i + 1, j + 1),
                _ => sc == Some(c) && at(i + 1, j + 1),
            };
            if let Some(x) = table.get_mut(i).and_then(|r| r.get_mut(j)) {
                *x = v;
            }
        }
    }
    table.first().and_then(|r| r.first()).copied() == Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*.xml", "a.xml"));
        assert!(!glob_match("*.xml", "d/a.xml"));
        assert!(glob_match("**/*.xml", "d/e/a.xml"));
        assert!(glob_match("**/*.xml", "a.xml"));
        assert!(glob_match("saml/aws?.xml", "saml/aws1.xml"));
        assert!(!glob_match("saml/aws?.xml", "saml/aws.xml"));
        assert!(glob_match("saml/**", "saml/x/y.xml"));
        assert!(glob_match("exact.xml", "exact.xml"));
        assert!(!glob_match("exact.xml", "exact.xmlx"));
    }

    #[test]
    fn unknown_keys_name_the_key_and_line() {
        let e =
            Config::parse("fail_on = \"warning\"\nwarn_dys = 3\n", "samlcheck.toml").unwrap_err();
        assert!(e.contains("warn_dys") && e.contains("line 2"), "{e}");
        let e =
            Config::parse("[[disable]]\ncode = \"md.entity_id.missing\"\n", "c.toml").unwrap_err();
        assert!(e.contains("reason"), "{e}");
        let e = Config::parse(
            "[[disable]]\ncode = \"md.nope\"\nreason = \"x\"\n",
            "c.toml",
        )
        .unwrap_err();
        assert!(e.contains("md.nope"), "{e}");
    }

    #[test]
    fn file_overrides_apply_when_every_file_matches() {
        let c = Config::parse(
            "fail_on = \"warning\"\nwarn_days = 10\n[[files]]\npath = \"legacy/*.xml\"\nfail_on = \"error\"\n[[files]]\npath = \"**/*.xml\"\nwarn_days = 60\n",
            "samlcheck.toml",
        )
        .unwrap();
        let s = c.effective(&[PathBuf::from("legacy/a.xml")]);
        assert_eq!((s.fail_on, s.warn_days), (Some(FailOn::Error), Some(60)));
        let s = c.effective(&[PathBuf::from("legacy/a.xml"), PathBuf::from("b.xml")]);
        assert_eq!((s.fail_on, s.warn_days), (Some(FailOn::Warning), Some(60)));
    }
}
