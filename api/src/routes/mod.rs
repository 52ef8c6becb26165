//! Thin handlers: extract, call one service function, map the result.

mod account;
mod auth;
mod beats;
mod checkout;
mod collaborators;
mod covers;
mod deals;
pub mod dev_pay;
pub mod downloads;
pub mod health;
mod multipart;
mod payouts;
mod previews;
mod processing;
mod profiles;
mod purchases;
mod resumable;
mod sales;
mod stems;
mod tiers;
mod uploads;
mod webhook_signature;

use utoipa_actix_web::scope;
use utoipa_actix_web::scope::Scope;

pub fn api() -> Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    scope("/api/v1")
        .service(auth::register)
        .service(auth::login)
        .service(auth::login_totp)
        .service(auth::verify)
        .service(auth::resend_verification)
        .service(auth::forgot_password)
        .service(auth::reset_password)
        .service(auth::claim)
        .service(auth::logout)
        .service(auth::logout_all)
        .service(account::me)
        .service(account::change_password)
        .service(account::sessions)
        .service(account::end_session)
        .service(account::two_factor_begin)
        .service(account::two_factor_confirm)
        .service(account::two_factor_disable)
        .service(beats::my_beats)
        .service(beats::catalog)
        .service(beats::create)
        .service(beats::show)
        .service(beats::update)
        .service(beats::remove)
        .service(beats::publish)
        .service(beats::unpublish)
        .service(beats::relist)
        .service(tiers::show)
        .service(tiers::replace)
        .service(collaborators::list)
        .service(collaborators::replace)
        .service(uploads::upload)
        .service(resumable::open)
        .service(resumable::show_offset)
        .service(resumable::append)
        .service(resumable::terminate)
        .service(multipart::sign_parts)
        .service(multipart::list_parts)
        .service(multipart::complete)
        .service(processing::show)
        .service(previews::preview)
        .service(previews::peaks)
        .service(checkout::quote)
        .service(checkout::start)
        .service(checkout::stripe_webhook)
        .service(checkout::license)
        .service(purchases::list)
        .service(purchases::show)
        .service(purchases::create_share)
        .service(purchases::list_shares)
        .service(purchases::revoke_share)
        .service(sales::show)
        .service(deals::list)
        .service(deals::replace)
        .service(deals::list_coupons)
        .service(deals::create_coupon)
        .service(deals::retire_coupon)
        .service(payouts::onboarding)
        .service(payouts::show)
        .service(payouts::connect_webhook)
        .service(profiles::update_me)
        .service(profiles::producer)
        .service(covers::upload)
        .service(covers::status)
        .service(covers::file)
        .service(stems::list)
        .service(purchases::cancel)
}
