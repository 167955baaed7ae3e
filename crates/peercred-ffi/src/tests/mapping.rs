use crate::mapping::*;

/// The C answers are the core's, as numbers.
#[test]
fn mapping_codes_follow_the_core() {
    for id in [0, 65534, 4242, u32::MAX] {
        let want = |mapping| match mapping {
            peercred::IdMapping::Mapped => PEERCRED_ID_MAPPED,
            peercred::IdMapping::Unmapped => PEERCRED_ID_UNMAPPED,
            peercred::IdMapping::Unknown => PEERCRED_ID_UNKNOWN,
        };
        assert_eq!(
            peercred_uid_mapping(id),
            want(peercred::uid_mapping(id).unwrap())
        );
        assert_eq!(
            peercred_gid_mapping(id),
            want(peercred::gid_mapping(id).unwrap())
        );
    }
    assert_eq!(peercred_uid_mapping(u32::MAX), PEERCRED_ID_UNMAPPED);
}
