//! What every generated newtype repeats, written once: its constructor
//! (`TryFrom` through the field's documented rules, or `From` where no
//! documented rule constrains it), the conversion back and the getters.
//!
//! `text` wraps a `String`, `value` a `Copy` scalar, `items` a `Vec`:
//!
//! ```ignore
//! rules::newtype!(checked text Custno by WIRE.field(&[0]));
//! rules::newtype!(open value Credlimit(f64));
//! rules::newtype!(checked items PhoneNumbers[PhoneNumbersItem] by WIRE.field(&[1, 3]));
//! ```

#[doc(hidden)]
#[macro_export]
macro_rules! newtype {
    (checked text $name:ident by $field:expr) => {
        $crate::newtype!(@try $name(String) by $field);
        $crate::newtype!(@text $name);
    };
    (open text $name:ident) => {
        $crate::newtype!(@from $name(String));
        $crate::newtype!(@text $name);
    };
    (checked value $name:ident($base:ty) by $field:expr) => {
        $crate::newtype!(@try $name($base) by $field);
        $crate::newtype!(@value $name($base));
    };
    (open value $name:ident($base:ty)) => {
        $crate::newtype!(@from $name($base));
        $crate::newtype!(@value $name($base));
    };
    (checked items $name:ident[$item:ty] by $field:expr) => {
        $crate::newtype!(@try $name(Vec<$item>) by $field);
        $crate::newtype!(@items $name[$item]);
    };
    (open items $name:ident[$item:ty]) => {
        $crate::newtype!(@from $name(Vec<$item>));
        $crate::newtype!(@items $name[$item]);
    };
    (@try $name:ident($base:ty) by $field:expr) => {
        impl ::core::convert::TryFrom<$base> for $name {
            type Error = $crate::read::Invalid;
            fn try_from(value: $base) -> ::core::result::Result<Self, $crate::read::Invalid> {
                $field.admit(&value)?;
                Ok(Self(value))
            }
        }
    };
    (@from $name:ident($base:ty)) => {
        impl ::core::convert::From<$base> for $name {
            fn from(value: $base) -> Self {
                Self(value)
            }
        }
    };
    (@text $name:ident) => {
        impl ::core::convert::From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
        impl $name {
            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// The wrapped value.
            pub fn into_inner(self) -> String {
                self.0
            }
        }
    };
    (@value $name:ident($base:ty)) => {
        impl ::core::convert::From<$name> for $base {
            fn from(value: $name) -> Self {
                value.0
            }
        }
        impl $name {
            /// The value.
            pub fn get(self) -> $base {
                self.0
            }
            /// The wrapped value.
            pub fn into_inner(self) -> $base {
                self.0
            }
        }
    };
    (@items $name:ident[$item:ty]) => {
        impl ::core::convert::From<$name> for Vec<$item> {
            fn from(value: $name) -> Self {
                value.0
            }
        }
        impl $name {
            /// The items.
            pub fn as_slice(&self) -> &[$item] {
                &self.0
            }
            /// The wrapped value.
            pub fn into_inner(self) -> Vec<$item> {
                self.0
            }
        }
    };
}
