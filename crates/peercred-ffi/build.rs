// A cdylib gets no SONAME by default; without one, programs linked against
// libpeercred.so would record the unversioned name instead of libpeercred.so.0.
fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpeercred.so.0");
}
