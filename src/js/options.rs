//! Reading option objects passed from JavaScript by their tables (`core::options`): a key that
//! is not in the table, and a value of the wrong type, are configuration errors naming the
//! option (never echoing its value).

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

use crate::core::auth::validate_header;
use crate::core::error::{Error, Result};
use crate::core::options::{Field, Table, Ty};

/// Whether `v` (neither `undefined` nor `null`) is of type `ty`; a string of [`Ty::OneOf`] must
/// be one of its values. Ranges are checked by the rules that use the values.
fn has_type(v: &JsValue, ty: &Ty) -> bool {
    match ty {
        Ty::Str => v.is_string(),
        Ty::OneOf(values) | Ty::Node(values) => {
            v.as_string().is_some_and(|s| values.contains(&s.as_str()))
        }
        Ty::Num | Ty::Ints(_) => v.as_f64().is_some_and(f64::is_finite),
        Ty::Limit => v
            .as_f64()
            .is_some_and(|n| n.is_finite() || n == f64::INFINITY),
        Ty::Millis => v.as_f64().is_some_and(|n| n.is_finite() && n >= 0.0),
        Ty::Bool => v.as_bool().is_some(),
        Ty::Signal => looks_like_signal(v),
        Ty::Headers | Ty::Table(_) => v.is_object(),
        Ty::Fetch | Ty::Progress => v.is_function(),
        #[cfg(feature = "full")]
        Ty::SocketClass => v.is_function(),
        Ty::Time => v.as_f64().is_some_and(f64::is_finite) || v.is_instance_of::<js_sys::Date>(),
    }
}

/// An `AbortSignal`, checked by shape so that signals from other realms work.
fn looks_like_signal(v: &JsValue) -> bool {
    Reflect::get(v, &"aborted".into())
        .map(|a| a.as_bool().is_some())
        .unwrap_or(false)
        && Reflect::get(v, &"addEventListener".into())
            .map(|f| f.is_function())
            .unwrap_or(false)
}

/// A JS options object (or `undefined`), read field by field as its table says.
pub struct Opts<'a> {
    value: &'a JsValue,
    table: &'static Table,
}

impl<'a> Opts<'a> {
    /// Wraps `value`, which must be an object, `undefined` or `null`, and refuses a key that is
    /// not in `table` (unless its value is `undefined` or `null`): a misspelt option
    /// (`deploymentId` for `deployment`, `timeoutMS`) would otherwise be ignored silently.
    pub fn new(value: &'a JsValue, table: &'static Table) -> Result<Opts<'a>> {
        let what = table.what;
        if !(value.is_undefined() || value.is_null() || value.is_object()) {
            return Err(Error::config(format!("{what} must be an object")));
        }
        let o = Opts { value, table };
        if value.is_object() {
            let object: &Object = value.unchecked_ref();
            for key in Object::keys(object).iter() {
                let key = key.as_string().unwrap_or_default();
                let Some(v) = o.raw(&key) else { continue };
                if let Some(field) = table.field(&key) {
                    if !has_type(&v, &field.ty) {
                        return Err(o.wrong(field, &field.ty.expected()));
                    }
                    continue;
                }
                let shown: String = key
                    .chars()
                    .filter(char::is_ascii_graphic)
                    .take(40)
                    .collect();
                return Err(Error::config(format!(
                    "{what} has an unknown option \"{shown}\"; the options are {}",
                    table.keys()
                )));
            }
        }
        Ok(o)
    }

    /// Wraps `value` without checking its keys (to find the API key to redact from the error
    /// that refused them).
    pub fn unchecked(value: &'a JsValue, table: &'static Table) -> Opts<'a> {
        Opts { value, table }
    }

    fn raw(&self, key: &str) -> Option<JsValue> {
        if !self.value.is_object() {
            return None;
        }
        Reflect::get(self.value, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }

    /// The raw field, `None` when missing, `undefined` or `null`.
    pub fn get(&self, field: &Field) -> Option<JsValue> {
        // (The table's name is in debug builds only.)
        #[cfg(debug_assertions)]
        assert!(
            self.table.has(field.key),
            "{} is not in {}",
            field.key,
            self.table.name
        );
        self.raw(field.key)
    }

    fn wrong(&self, field: &Field, expected: &str) -> Error {
        Error::config(format!(
            "{}.{} must be {expected}",
            self.table.what, field.key
        ))
    }

    // The fields below were type-checked by `new` against the table: reading them cannot fail.

    /// A string field.
    pub fn string(&self, field: &Field) -> Option<String> {
        self.get(field).and_then(|v| v.as_string())
    }

    /// A number field (finite, or `Infinity` for a [`Ty::Limit`]; >= 0 for [`Ty::Millis`]).
    pub fn number(&self, field: &Field) -> Option<f64> {
        self.get(field).and_then(|v| v.as_f64())
    }

    /// A boolean field.
    pub fn boolean(&self, field: &Field) -> Option<bool> {
        self.get(field).and_then(|v| v.as_bool())
    }

    /// A function field (such as an injected `fetch`).
    pub fn function(&self, field: &Field) -> Option<Function> {
        self.get(field).and_then(|v| v.dyn_into().ok())
    }

    /// A nested options object.
    pub fn object(&self, field: &Field) -> Option<JsValue> {
        self.get(field).filter(JsValue::is_object)
    }

    /// An `AbortSignal` field (checked by shape, so signals from other realms work).
    pub fn signal(&self, field: &Field) -> Option<AbortSignal> {
        self.get(field)
            .filter(looks_like_signal)
            .map(JsCast::unchecked_into)
    }

    /// A headers field: a plain object of strings, or anything with `entries()` (`Headers`, a
    /// `Map`). Every name and value is validated.
    pub fn headers(&self, key: &Field) -> Result<Vec<(String, String)>> {
        let Some(v) = self.object(key) else {
            return Ok(Vec::new());
        };
        let entries: JsValue = match Reflect::get(&v, &"entries".into()) {
            Ok(f) if f.is_function() => {
                let f: Function = f.unchecked_into();
                let iter = f
                    .call0(&v)
                    .map_err(|_| self.wrong(key, "iterable headers"))?;
                js_sys::Array::from(&iter).into()
            }
            _ => Object::entries(v.unchecked_ref()).into(),
        };
        let entries: js_sys::Array = entries.unchecked_into();
        let mut out = Vec::with_capacity(entries.length() as usize);
        for pair in entries.iter() {
            let pair: js_sys::Array = pair.unchecked_into();
            let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string())
            else {
                return Err(self.wrong(key, "a map of string header names to string values"));
            };
            validate_header(&name, &value)?;
            out.push((name, value));
        }
        Ok(out)
    }
}

/// A string argument of a method, or a configuration error naming it. Methods take such
/// arguments as `JsString` (an unchecked JS value typed `string`): wasm-bindgen's own
/// conversion of a non-string to `String` traps.
/// A string, or an array of strings, read as a list (`secrets`, a token's `models`); else a
/// `ConfigurationError` naming `what`.
#[cfg(feature = "full")]
pub fn string_or_strings(v: &JsValue, what: &str) -> Result<Vec<String>> {
    if let Some(s) = v.as_string() {
        return Ok(vec![s]);
    }
    if js_sys::Array::is_array(v) {
        return js_sys::Array::from(v)
            .iter()
            .map(|s| {
                s.as_string()
                    .ok_or_else(|| Error::config(format!("{what} must be strings")))
            })
            .collect();
    }
    Err(Error::config(format!(
        "{what} must be a string or an array of strings"
    )))
}

#[cfg(feature = "full")]
pub fn string_arg(value: &JsValue, what: &str) -> Result<String> {
    value
        .as_string()
        .ok_or_else(|| Error::config(format!("{what} must be a string")))
}
