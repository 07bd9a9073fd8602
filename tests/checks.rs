//! The shared figure checker itself (`common::Checks`), on a hand-written
//! `indicateurs.csv`: no run of the tool. It must report every mismatch at once, see the
//! modalités that are missing or in excess, keep the programmes apart, and fail a test
//! that forgets to call `finish()`.

mod common;

use common::{Checks, Report};

const P25: &str = "2025-01-01";

/// Two programmes, 2025 and one row of a quarter (left aside by the index).
fn rapport() -> Report {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("indicateurs.csv"),
        format!(
            "{}\n\
             a,2025-01-01,2025-12-31,file_active,total,9,,,personnes,\n\
             a,2025-01-01,2025-12-31,sorties,deces,1,,,accompagnements,\n\
             a,2025-01-01,2025-12-31,sorties,autre,0,,,accompagnements,\n\
             a,2025-01-01,2025-12-31,sorties,total,1,,,accompagnements,\n\
             a,2025-01-01,2025-12-31,taux_occupation,total,50,730,1460,%,\n\
             a,2025-01-01,2025-12-31,part_vad_binome,total,,0,0,%,\n\
             b,2025-01-01,2025-12-31,file_active,total,4,,,personnes,\n\
             a,2025-01-01,2025-03-31,file_active,total,7,,,personnes,\n",
            common::HEADER
        ),
    )
    .expect("écriture");
    Report::read(dir, &[2025])
}

/// The message a test's panic carries.
fn panne(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let erreur = std::panic::catch_unwind(f).expect_err("le contrôle devait échouer");
    erreur
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| erreur.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn index_des_periodes_annuelles() {
    let r = rapport();
    assert_eq!(r.rows.len(), 7, "la ligne du trimestre est laissée de côté");
    assert!(r.duplicates.is_empty());
    assert!(r.non_numeric.is_empty(), "{:?}", r.non_numeric);
    assert_eq!(
        r.modalites("a", P25, "sorties"),
        ["deces", "autre", "total"]
    );
}

#[test]
fn des_chiffres_justes_passent() {
    let r = rapport();
    let mut v = Checks::of(&r, "a");
    v.value(P25, "file_active", "total", 9.0);
    v.rate(P25, "taux_occupation", "total", 730.0, 1460.0, 100.0);
    v.exactly_in_order(
        P25,
        "sorties",
        &[("deces", 1.0), ("autre", 0.0), ("total", 1.0)],
    );
    v.no_value(P25, "part_vad_binome", "total");
    v.terms(P25, "part_vad_binome", "total", 0.0, 0.0);
    v.absent(P25, "sorties", "non_reconnu");
    v.no_rows("profil_parcours_ase");
    v.within("b").value(P25, "file_active", "total", 4.0);
    // The scope of `within` ends with its statement.
    v.value(P25, "file_active", "total", 9.0);
    v.finish();
}

#[test]
fn chaque_ecart_est_signale_ensemble() {
    let r = rapport();
    let message = panne(|| {
        let mut v = Checks::of(&r, "a");
        v.value(P25, "file_active", "total", 8.0);
        v.terms(P25, "taux_occupation", "total", 730.0, 1095.0);
        v.exactly(P25, "sorties", &[("deces", 1.0), ("perdu_de_vue", 0.0)]);
        v.order(P25, "sorties", &["autre", "deces", "total"]);
        v.absent(P25, "sorties", "autre");
        v.no_rows("sorties");
        v.within("b").value(P25, "file_active", "total", 9.0);
        v.finish();
    });
    for attendu in [
        "8 écart(s)",
        "a 2025-01-01 file_active [total]: valeur \"9\", attendu 8",
        "taux_occupation [total]: numerateur \"730\" / denominateur \"1460\"",
        "sorties [perdu_de_vue]: ligne absente",
        "modalités inattendues [\"autre\", \"total\"]",
        "sorties, ordre",
        "sorties [autre]: ligne présente",
        "sorties: indicateur attendu absent",
        "b 2025-01-01 file_active [total]: valeur \"4\", attendu 9",
    ] {
        assert!(
            message.contains(attendu),
            "« {attendu} » absent de:\n{message}"
        );
    }
}

#[test]
fn un_controle_oublie_fait_echouer_le_test() {
    let r = rapport();
    let message = panne(|| {
        let mut v = Checks::of(&r, "a");
        v.value(P25, "file_active", "total", 8.0);
        // No finish(): dropping it must fail the test, with the mismatch it holds.
    });
    assert!(message.contains("sans .finish()"), "{message}");
    assert!(message.contains("attendu 8"), "{message}");
    let message = panne(|| {
        let _v = Checks::of(&r, "a");
    });
    assert!(message.contains("sans .finish()"), "{message}");
}

#[test]
fn sans_dispositif_chaque_controle_dit_lequel() {
    let r = rapport();
    let message = panne(|| {
        let mut v = Checks::new(&r);
        v.value(P25, "file_active", "total", 9.0);
        v.finish();
    });
    assert!(message.contains("dispositif non précisé"), "{message}");
}
