//! The agreement file format, read without any program: the model and its
//! parser with source spans ([`agreement`]), the one table of its keys
//! ([`keys`]), the terms a signature covers and
//! their digest ([`terms`]), the one role type ([`role`]) and date arithmetic
//! ([`timeline`]).

pub mod agreement;
pub mod keys;
pub mod role;
pub mod terms;
pub mod timeline;
