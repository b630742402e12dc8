//! Reading option objects passed from JavaScript, with a configuration error (naming the
//! option, never echoing its value) for every wrong type.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

use crate::core::auth::validate_header;
use crate::core::error::{Error, Result};

/// A JS options object (or `undefined`), read field by field.
pub struct Opts<'a> {
    value: &'a JsValue,
    /// The option path used in error messages, e.g. `options` or `asyncPredict options`.
    what: &'static str,
}

impl<'a> Opts<'a> {
    /// Wraps `value`, which must be an object, `undefined` or `null`.
    pub fn new(value: &'a JsValue, what: &'static str) -> Result<Opts<'a>> {
        if !(value.is_undefined() || value.is_null() || value.is_object()) {
            return Err(Error::config(format!("{what} must be an object")));
        }
        Ok(Opts { value, what })
    }

    /// The raw field, `None` when missing, `undefined` or `null`.
    pub fn get(&self, key: &str) -> Option<JsValue> {
        if !self.value.is_object() {
            return None;
        }
        Reflect::get(self.value, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }

    /// Refuses a field not in `known`, a list of names separated by `", "` (unless the field is
    /// `undefined` or `null`): a misspelt option (`deploymentId` for `deployment`) would
    /// otherwise be ignored silently and the call sent somewhere else.
    pub fn only(&self, known: &str) -> Result<()> {
        if !self.value.is_object() {
            return Ok(());
        }
        let object: &Object = self.value.unchecked_ref();
        for key in Object::keys(object).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.split(", ").any(|k| k == key) && self.get(&key).is_some() {
                let shown: String = key
                    .chars()
                    .filter(char::is_ascii_graphic)
                    .take(40)
                    .collect();
                return Err(Error::config(format!(
                    "{} has an unknown option \"{shown}\"; the options are {known}",
                    self.what
                )));
            }
        }
        Ok(())
    }

    fn wrong(&self, key: &str, expected: &str) -> Error {
        Error::config(format!("{}.{key} must be {expected}", self.what))
    }

    /// A string field.
    pub fn string(&self, key: &str) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_string()
                .map(Some)
                .ok_or_else(|| self.wrong(key, "a string")),
        }
    }

    /// A finite number field.
    pub fn number(&self, key: &str) -> Result<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => match v.as_f64() {
                Some(n) if n.is_finite() => Ok(Some(n)),
                _ => Err(self.wrong(key, "a finite number")),
            },
        }
    }

    /// A non-negative number of milliseconds.
    pub fn millis(&self, key: &str) -> Result<Option<f64>> {
        match self.number(key)? {
            Some(n) if n < 0.0 => Err(self.wrong(key, "a number of milliseconds >= 0")),
            other => Ok(other),
        }
    }

    /// A boolean field.
    pub fn boolean(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| self.wrong(key, "a boolean")),
        }
    }

    /// A function field (such as an injected `fetch`).
    pub fn function(&self, key: &str) -> Result<Option<Function>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .dyn_into::<Function>()
                .map(Some)
                .map_err(|_| self.wrong(key, "a function")),
        }
    }

    /// A nested options object.
    pub fn object(&self, key: &str) -> Result<Option<JsValue>> {
        match self.get(key) {
            Some(v) if !v.is_object() => Err(self.wrong(key, "an object")),
            other => Ok(other),
        }
    }

    /// An `AbortSignal` field (checked by shape, so signals from other realms work).
    pub fn signal(&self, key: &str) -> Result<Option<AbortSignal>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => {
                let looks_right = Reflect::get(&v, &"aborted".into())
                    .map(|a| a.as_bool().is_some())
                    .unwrap_or(false)
                    && Reflect::get(&v, &"addEventListener".into())
                        .map(|f| f.is_function())
                        .unwrap_or(false);
                if looks_right {
                    Ok(Some(v.unchecked_into()))
                } else {
                    Err(self.wrong(key, "an AbortSignal"))
                }
            }
        }
    }

    /// A headers field: a plain object of strings, or anything with `entries()` (`Headers`, a
    /// `Map`). Every name and value is validated.
    pub fn headers(&self, key: &str) -> Result<Vec<(String, String)>> {
        let Some(v) = self.object(key)? else {
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
