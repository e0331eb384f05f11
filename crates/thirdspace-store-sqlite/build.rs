//! `sqlx::migrate!` reads `migrations/` while compiling: build again when a migration is added or
//! changed, or the binary would carry the migrations it was first built with.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
