//! `module.qualname` keys of the registry's maps, and the borrowed form
//! that looks them up without allocating.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};

/// A global's module and qualified name, as a map key. The names the
/// registry itself registers are borrowed from static text: copying them
/// was two allocations a name, twice (the key and the reverse map).
pub(crate) type Name = (Cow<'static, str>, Cow<'static, str>);

/// A [`Name`] to look up, borrowed: the same hash, compared field by field.
/// Looking a name up through an owned key copied both strs each time, two
/// allocations per global a pickler saves (a tenth of pickling
/// pyperformance's profile dict, which names `datetime.date` once).
pub(crate) struct NameRef<'a>(pub(crate) &'a str, pub(crate) &'a str);

impl Hash for NameRef<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // A tuple of `&str` hashes as the tuple of `Cow<str>` does.
        (self.0, self.1).hash(state);
    }
}

impl hashbrown::Equivalent<Name> for NameRef<'_> {
    fn equivalent(&self, key: &Name) -> bool {
        *key.0 == *self.0 && *key.1 == *self.1
    }
}

#[cfg(test)]
mod tests {
    use super::{Name, NameRef};
    use hashbrown::HashMap;

    #[test]
    fn a_borrowed_name_finds_its_owned_key() {
        let mut map: HashMap<Name, u32, rustc_hash::FxBuildHasher> = HashMap::default();
        map.insert(("datetime".into(), "date".into()), 1);
        map.insert(("datetime".into(), "datetime".into()), 2);
        map.insert(("date".into(), "time".into()), 3);
        // Names registered by the embedder are owned copies.
        map.insert(
            (String::from("shop").into(), String::from("Order").into()),
            4,
        );
        assert_eq!(map.get(&NameRef("datetime", "date")), Some(&1));
        assert_eq!(map.get(&NameRef("datetime", "datetime")), Some(&2));
        assert_eq!(map.get(&NameRef("date", "time")), Some(&3));
        assert_eq!(map.get(&NameRef("shop", "Order")), Some(&4));
        assert_eq!(map.get(&NameRef("datetimedate", "")), None);
        assert_eq!(map.get(&NameRef("datetime", "time")), None);
    }
}
