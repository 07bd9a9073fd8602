pub mod exemple;
pub mod indicateurs;
pub mod rapport;
pub mod verifier;
