// The storefront is embedded with `include_dir!`, which cannot tell cargo to watch the folder
// on stable Rust: without this, a changed page would keep serving the old copy.
fn main() {
    println!("cargo:rerun-if-changed=../frontend");
}
