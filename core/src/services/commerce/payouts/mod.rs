//! Paying payees through Stripe Connect: each payee's connected account (onboarding and the
//! Connect webhook that keeps its flags), the gate that keeps a producer off sale until they
//! can be paid, the transfers and reversals that move the ledger's money at Stripe, and the
//! payee's view of it all.

pub mod accounts;
pub mod gate;
pub mod transfers;
pub mod view;
