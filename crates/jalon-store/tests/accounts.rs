//! Accounts (issue 16, « Accounts »): invitations, password resets by email, a second centre,
//! and the names no person may take — on SQLite and PostgreSQL alike.

mod common;

use jalon_store::accounts::NewInvitation;
use jalon_store::journal::Action;
use jalon_store::users::{NewUser, UserUpdate};
use jalon_store::{Actor, Clock, Role, Store, StoreError};
use jiff::SignedDuration;

const PASSWORD: &str = "correct horse battery";

fn new_user(email: &str, name: &str, role: Role) -> NewUser {
    NewUser {
        email: email.into(),
        display_name: name.into(),
        role,
        password: PASSWORD.into(),
    }
}

fn invitation(email: &str, name: &str) -> NewInvitation {
    NewInvitation {
        email: email.into(),
        display_name: name.into(),
        role: Role::Manager,
    }
}

/// Two centres, each with its administrator; Claire works in the first.
async fn two_centres(store: &Store) -> (Actor, Actor) {
    let (a, _) = store
        .create_centre(
            "Centre A",
            new_user("admin@a.fr", "Alice Admin", Role::Admin),
        )
        .await
        .unwrap();
    let a = Actor::command_line(a.id);
    store
        .add_user(
            a.admin().unwrap(),
            new_user("claire@a.fr", "Claire Martin", Role::Manager),
        )
        .await
        .unwrap();
    let b = store.add_centre("Centre B").await.unwrap();
    let b = Actor::command_line(b.id);
    store
        .add_user(
            b.admin().unwrap(),
            new_user("admin@b.fr", "Bruno Admin", Role::Admin),
        )
        .await
        .unwrap();
    (a, b)
}

fn later(store: &Store, by: SignedDuration) -> Store {
    store
        .clone()
        .with_clock(Clock::Fixed(store.now().checked_add(by).unwrap()))
}

fn message(e: StoreError) -> String {
    match e {
        StoreError::Invalid(p) => p.into_iter().map(|p| p.message).collect(),
        other => panic!("{other:?}"),
    }
}

async fn an_invitation_does_not_tell_that_an_address_has_an_account_elsewhere(store: Store) {
    let (_, b) = two_centres(&store).await;
    // The old direct creation answered « déjà utilisée » for Claire's address, used in
    // centre A: centre B's administrator learnt that the account exists.
    let known = store
        .invite_user(b.admin().unwrap(), invitation("Claire@A.fr", "Claire M."))
        .await
        .unwrap();
    let unknown = store
        .invite_user(b.admin().unwrap(), invitation("nobody@a.fr", "Personne"))
        .await
        .unwrap();
    // The mailer alone knows which to send (a notice, or the link).
    assert!(known.has_account && !unknown.has_account);
    // What centre B sees is alike: both pending, same journal entry.
    let pending = store.invitations(&b).await.unwrap();
    let mut emails: Vec<&str> = pending.iter().map(|i| i.email.as_str()).collect();
    emails.sort();
    assert_eq!(emails, ["claire@a.fr", "nobody@a.fr"]);
    let journal = store.journal(&b, 10).await.unwrap();
    let invited: Vec<_> = journal
        .iter()
        .filter(|e| e.action == Action::UserInvited)
        .collect();
    assert_eq!(invited.len(), 2);
    let keys = |v: &serde_json::Value| {
        v["after"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(&invited[0].data), keys(&invited[1].data));
    assert_eq!(Action::UserInvited.label(), "Invitation envoyée");
    // No duplicate account can come out of it: even the link is refused.
    let e = store
        .accept_invitation(&known.token, "un tout nouveau secret")
        .await
        .unwrap_err();
    assert!(message(e).contains("déjà utilisée"));
    assert_eq!(store.users(&b).await.unwrap().len(), 1);
    // Within its own centre, an administrator sees its users anyway: said plainly.
    let e = store
        .invite_user(b.admin().unwrap(), invitation("admin@b.fr", "Bruno"))
        .await
        .unwrap_err();
    assert!(message(e).contains("déjà un compte dans votre centre"));
}

async fn an_invitation_sets_the_password_once(store: Store) {
    let (_, b) = two_centres(&store).await;
    let inv = store
        .invite_user(
            b.admin().unwrap(),
            NewInvitation {
                email: "paul@b.fr".into(),
                display_name: "Paul Durand".into(),
                role: Role::Inspector,
            },
        )
        .await
        .unwrap();
    let link = store.invitation_link(&inv.token).await.unwrap().unwrap();
    assert_eq!(
        (link.display_name.as_str(), link.centre.as_str()),
        ("Paul Durand", "Centre B")
    );
    // A weak password is refused and the link still works.
    let e = store
        .accept_invitation(&inv.token, "motdepasse2026")
        .await
        .unwrap_err();
    assert!(message(e).contains("plus courants"));
    let user = store
        .accept_invitation(&inv.token, "un tout nouveau secret")
        .await
        .unwrap();
    assert_eq!(
        (user.email.as_str(), user.role),
        ("paul@b.fr", Role::Inspector)
    );
    let (_, paul) = store
        .login("paul@b.fr", "un tout nouveau secret")
        .await
        .unwrap();
    assert_eq!(paul.centre_id(), b.centre_id());
    // Once only.
    let e = store
        .accept_invitation(&inv.token, "encore un autre secret")
        .await
        .unwrap_err();
    assert!(message(e).contains("n'est plus valable"));
    assert!(store.invitation_link(&inv.token).await.unwrap().is_none());
    assert!(store.invitations(&b).await.unwrap().is_empty());
    // The journal of centre B says who created the account, by their name.
    let accepted = store
        .journal(&b, 10)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == Action::InvitationAccepted)
        .unwrap();
    assert_eq!(accepted.actor_name, "Paul Durand");
    assert_eq!(accepted.subject_id, user.id.as_str());
    // A forged link does nothing.
    assert!(
        store
            .accept_invitation("forged", "un tout nouveau secret")
            .await
            .is_err()
    );
}

async fn an_invitation_expires_and_can_be_cancelled_or_resent(store: Store) {
    let (_, b) = two_centres(&store).await;
    let a = b.admin().unwrap();
    let inv = store
        .invite_user(a, invitation("lea@b.fr", "Léa Petit"))
        .await
        .unwrap();
    // Seven days to use it, not more.
    let week = SignedDuration::from_hours(7 * 24);
    assert!(
        later(&store, week - SignedDuration::from_mins(1))
            .invitation_link(&inv.token)
            .await
            .unwrap()
            .is_some()
    );
    let e = later(&store, week)
        .accept_invitation(&inv.token, "un tout nouveau secret")
        .await
        .unwrap_err();
    assert!(message(e).contains("n'est plus valable"));
    // Sent again, even once expired: a new link for seven more days, the same invitation;
    // the old link no longer works.
    let again = later(&store, week)
        .resend_invitation(a, &inv.invitation.id)
        .await
        .unwrap();
    assert_ne!(again.token, inv.token);
    assert_eq!(again.invitation.id, inv.invitation.id);
    assert!(store.invitation_link(&inv.token).await.unwrap().is_none());
    assert!(
        later(&store, week + week - SignedDuration::from_mins(1))
            .invitation_link(&again.token)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(store.invitations(&b).await.unwrap().len(), 1);
    assert!(
        store
            .journal(&b, 5)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == Action::InvitationResent)
    );
    // Cancelled: nothing works any more.
    let id = &store.invitations(&b).await.unwrap()[0].id;
    store.cancel_invitation(a, id).await.unwrap();
    assert!(store.invitations(&b).await.unwrap().is_empty());
    assert!(
        store
            .accept_invitation(&again.token, "un tout nouveau secret")
            .await
            .is_err()
    );
    assert!(matches!(
        store.cancel_invitation(a, id).await,
        Err(StoreError::NotFound { .. })
    ));
    // Another centre's administrator cannot cancel it, nor a manager invite.
    let other = Actor::command_line(store.centres().await.unwrap()[0].id.clone());
    let inv = store
        .invite_user(a, invitation("marc@b.fr", "Marc"))
        .await
        .unwrap();
    assert!(matches!(
        store
            .cancel_invitation(other.admin().unwrap(), &inv.invitation.id)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let journal = store.journal(&b, 20).await.unwrap();
    assert!(
        journal
            .iter()
            .any(|e| e.action == Action::InvitationCancelled)
    );
}

async fn a_reset_link_serves_once_within_the_hour_and_ends_every_login(store: Store) {
    two_centres(&store).await;
    let (first, _) = store.login("claire@a.fr", PASSWORD).await.unwrap();
    let (second, _) = store.login("claire@a.fr", PASSWORD).await.unwrap();
    // An unknown address gets nothing to mail (the caller answers alike).
    assert!(
        store
            .request_password_reset("nobody@a.fr")
            .await
            .unwrap()
            .is_none()
    );
    let asked = store
        .request_password_reset(" Claire@A.fr ")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(asked.email, "claire@a.fr");
    assert!(store.reset_link(&asked.token).await.unwrap().is_some());
    // One hour, not more.
    assert!(
        later(&store, SignedDuration::from_mins(61))
            .reset_password(&asked.token, "un tout nouveau secret")
            .await
            .is_err()
    );
    // The password rule applies, and names its problem.
    let e = store
        .reset_password(&asked.token, "claire-2026-secret")
        .await
        .unwrap_err();
    assert!(message(e).contains("adresse électronique"));
    store
        .reset_password(&asked.token, "un tout nouveau secret")
        .await
        .unwrap();
    // Every other login of the account ended; the old password no longer works.
    assert_eq!(store.authenticate(&first).await.unwrap(), None);
    assert_eq!(store.authenticate(&second).await.unwrap(), None);
    assert!(store.login("claire@a.fr", PASSWORD).await.is_err());
    assert!(
        store
            .login("claire@a.fr", "un tout nouveau secret")
            .await
            .is_ok()
    );
    // Once only.
    let e = store
        .reset_password(&asked.token, "encore un autre secret")
        .await
        .unwrap_err();
    assert!(message(e).contains("n'est plus valable"));
    // A second request makes the earlier link useless.
    let one = store
        .request_password_reset("claire@a.fr")
        .await
        .unwrap()
        .unwrap();
    let two = store
        .request_password_reset("claire@a.fr")
        .await
        .unwrap()
        .unwrap();
    assert!(store.reset_link(&one.token).await.unwrap().is_none());
    assert!(store.reset_link(&two.token).await.unwrap().is_some());
    // Journaled in Claire's centre, under her name.
    let a = Actor::command_line(store.centres().await.unwrap()[0].id.clone());
    let journal = store.journal(&a, 20).await.unwrap();
    assert!(
        journal
            .iter()
            .any(|e| e.action == Action::PasswordReset && e.actor_name == "Claire Martin")
    );
}

async fn a_second_centre_is_added_to_an_existing_instance(store: Store) {
    let (a, b) = two_centres(&store).await;
    let names: Vec<String> = store
        .centres()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["Centre A", "Centre B"]);
    assert_ne!(a.centre_id(), b.centre_id());
    // Its administrator signs in to their own centre.
    let (_, bruno) = store.login("admin@b.fr", PASSWORD).await.unwrap();
    assert_eq!(bruno.centre_id(), b.centre_id());
    for dup in ["Centre B", " centre b "] {
        let e = store.add_centre(dup).await.unwrap_err();
        assert!(message(e).contains("s'appelle déjà"), "{dup}");
    }
    assert!(message(store.add_centre("  ").await.unwrap_err()).contains("obligatoire"));
    let created = store
        .journal(&b, 10)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == Action::CentreCreated)
        .unwrap();
    assert_eq!(created.actor_name, "ligne de commande");
}

async fn no_person_takes_the_command_lines_name(store: Store) {
    let (a, _) = two_centres(&store).await;
    let admin = a.admin().unwrap();
    let e = store
        .invite_user(admin, invitation("x@a.fr", "Ligne de commande"))
        .await
        .unwrap_err();
    assert!(message(e).contains("ligne de commande"));
    let e = store
        .add_user(
            admin,
            new_user("y@a.fr", "ligne-de-commande", Role::Manager),
        )
        .await
        .unwrap_err();
    assert!(message(e).contains("ligne de commande"));
    let claire = store
        .users(&a)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.email == "claire@a.fr")
        .unwrap();
    let e = store
        .update_user(
            &a,
            &claire.id,
            claire.version,
            UserUpdate {
                display_name: "(Ligne de Commande)".into(),
                role: Role::Manager,
                active: true,
            },
        )
        .await
        .unwrap_err();
    assert!(message(e).contains("ligne de commande"));
    assert_eq!(
        store.user(&a, &claire.id).await.unwrap().display_name,
        "Claire Martin"
    );
}

contract!(
    an_invitation_does_not_tell_that_an_address_has_an_account_elsewhere,
    an_invitation_sets_the_password_once,
    an_invitation_expires_and_can_be_cancelled_or_resent,
    a_reset_link_serves_once_within_the_hour_and_ends_every_login,
    a_second_centre_is_added_to_an_existing_instance,
    no_person_takes_the_command_lines_name,
);
