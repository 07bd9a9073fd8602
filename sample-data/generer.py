#!/usr/bin/env python3
"""Génère le site fictif `sample-data/reference/` (disposition de référence de donnees.md).

Toutes les personnes, tous les logements et tous les chiffres sont inventés.
Programme reproductible : bibliothèque standard seule, graine fixe (random.Random(2026)).

    python3 sample-data/generer.py

Le script réécrit les fichiers de `sample-data/reference/`, puis les relit et vérifie
leur cohérence (encodages, dates, places, occupations dans les accompagnements…).
"""

import csv
import io
import datetime as dt
import sys
from pathlib import Path
import random

R = random.Random(2026)
D = dt.date
UN_JOUR = dt.timedelta(days=1)

OUVERTURE = D(2019, 3, 1)
FIN = D(2025, 12, 31)  # aucune date après ce jour
PLACES = 100
DEBUT_INTERVENTIONS = D(2023, 1, 1)
DEBUT_QUITTANCEMENT = (2023, 1)
SORTIE = Path(__file__).resolve().parent / "reference"

# Format de chaque fichier : (encodage, délimiteur, fin de ligne).
# UTF-8 + "," : export HOPE (suivi) ; Windows-1252 + ";" + CRLF : export GLA et tableurs.
FORMATS = {
    "personnes": ("utf-8-sig", ",", "\n"),
    "accompagnements": ("utf-8", ",", "\n"),
    "interventions": ("utf-8", ",", "\n"),
    "hospitalisations": ("utf-8", ",", "\n"),
    "situations": ("utf-8", ",", "\n"),
    "logements": ("cp1252", ";", "\r\n"),
    "occupations": ("cp1252", ";", "\r\n"),
    "quittancement": ("cp1252", ";", "\r\n"),
    "incidents": ("cp1252", ";", "\r\n"),
    "effectifs": ("cp1252", ";", "\r\n"),
    "budget": ("cp1252", ";", "\r\n"),
}

ENTETES = {
    "personnes": ["id_personne", "nom", "prenom", "date_naissance", "annee_naissance", "sexe",
                  "nationalite", "situation_avant_entree", "duree_sans_logement_mois",
                  "diagnostic_principal", "addiction", "orienteur", "date_commission",
                  "parcours_ase"],
    "accompagnements": ["id_personne", "date_entree", "date_sortie", "motif_sortie"],
    "interventions": ["id_personne", "date", "type", "binome", "metiers", "duree_minutes",
                      "commentaire"],
    "hospitalisations": ["id_personne", "date_debut", "date_fin", "type", "mode"],
    "situations": ["id_personne", "date", "couverture_maladie", "ressource_principale",
                   "montant_ressources", "mesure_protection", "medecin_traitant",
                   "suivi_psychiatrique", "activite"],
    "logements": ["id_logement", "type_bailleur", "typologie", "commune", "loyer_mensuel",
                  "date_captation"],
    "occupations": ["id_occupation", "id_logement", "id_personne", "date_entree", "date_sortie",
                    "statut_bail", "date_glissement", "motif_fin"],
    "quittancement": ["id_personne", "mois", "montant_du", "montant_paye"],
    "incidents": ["id_logement", "id_personne", "date", "type", "cout"],
    "effectifs": ["metier", "etp", "date_debut", "date_fin"],
    "budget": ["poste", "groupe", "prevu", "realise"],
}


# ---------------------------------------------------------------------------------------------
# Outils


def plus(d, n):
    return d + dt.timedelta(days=n)


def pondere(paires):
    valeurs = [v for v, _ in paires]
    poids = [p for _, p in paires]
    return R.choices(valeurs, poids)[0]


def jours_entre(debut, fin):
    d = debut
    while d <= fin:
        yield d
        d += UN_JOUR


def chevauche(a_debut, a_fin, b_debut, b_fin):
    """Intervalles fermés ; fin None = sans fin."""
    a_fin = a_fin or D(9999, 1, 1)
    b_fin = b_fin or D(9999, 1, 1)
    return a_debut <= b_fin and b_debut <= a_fin


def fmt_date(d, table):
    if d is None:
        return ""
    if FORMATS[table][1] == ";":
        return d.strftime("%d/%m/%Y")
    return d.isoformat()


def fmt_nombre(x, table, decimales=2, milliers=False):
    if x is None:
        return ""
    if decimales == 0 or float(x).is_integer() and decimales is None:
        texte = str(int(round(x)))
    else:
        texte = f"{x:,.{decimales}f}" if milliers else f"{x:.{decimales}f}"
    if FORMATS[table][1] == ";":
        texte = texte.replace(",", " ").replace(".", ",")
    else:
        texte = texte.replace(",", "")
    return texte


def ecrire(table, lignes):
    encodage, delim, fin_ligne = FORMATS[table]
    chemin = SORTIE / f"{table}.csv"
    with open(chemin, "w", encoding=encodage, newline="") as f:
        w = csv.writer(f, delimiter=delim, lineterminator=fin_ligne, quoting=csv.QUOTE_MINIMAL)
        w.writerow(ENTETES[table])
        for ligne in lignes:
            assert len(ligne) == len(ENTETES[table]), (table, ligne)
            w.writerow(ligne)


# ---------------------------------------------------------------------------------------------
# Personnes et accompagnements : simulation jour par jour de la montée en charge puis du régime
# de croisière (les sorties libèrent des places, les entrées les reprennent avec un délai).

MOTIFS_COURTS = [("perdu_de_vue", 20), ("fin_a_la_demande", 22), ("incarceration", 12),
                 ("hospitalisation_longue", 10), ("deces", 7), ("structure_medicalisee", 6),
                 ("demenagement_hors_territoire", 8), ("relogement_autonome", 6), ("autre", 8)]
MOTIFS_LONGS = [("relogement_autonome", 36), ("fin_a_la_demande", 12), ("perdu_de_vue", 9),
                ("structure_medicalisee", 11), ("deces", 8), ("incarceration", 5),
                ("hospitalisation_longue", 6), ("demenagement_hors_territoire", 6), ("autre", 4)]

PRENOMS_H = ["Aurélien", "Benoît", "Cédric", "Dorian", "Fabrice", "Gaëtan", "Jérôme", "Karim",
             "Loïc", "Maël", "Noël", "Pascal", "Quentin", "Rémi", "Sébastien", "Ulysse",
             "Wassim", "Xavier", "Yannick", "Bruno", "Damien", "Frédéric", "Grégory", "Hugo",
             "José", "Kévin", "Mathis"]
PRENOMS_F = ["Élodie", "Hélène", "Inès", "Océane", "Thaïs", "Valérie", "Zoé", "Anaïs", "Chloé",
             "Estelle", "Irène", "Léa", "Nadège"]
NOM_DEBUTS = ["Bra", "Clo", "Fri", "Gour", "Mou", "Pla", "Tri", "Vor", "Zan", "Quen", "Bé",
              "Cha", "Dru", "Fé", "Gli", "Lou", "Mir", "Pé", "Ros", "Tam"]
NOM_FINS = ["billard", "chouette", "dinet", "fignard", "loupiot", "mirette", "ponsard",
            "tafel", "zinot", "bergeot", "caffin", "doulard", "gazelin", "pivoine", "rouflaquet"]


def nouveau_nom():
    return R.choice(NOM_DEBUTS) + R.choice(NOM_FINS) + "-Fictif"


def tirer_duree():
    if R.random() < 0.12:
        return R.randint(45, 364)
    return 365 + int(R.expovariate(1 / (6 * 365)))


def creer_personne(numero, entree):
    age = int(R.triangular(20, 65.99, 38))
    naissance = plus(entree, -int(age * 365.25) - R.randint(1, 360))
    age_reel = (entree - naissance).days // 365.25
    assert 20 <= age_reel <= 65
    sexe = pondere([("H", 78), ("F", 20), ("X", 2)])
    situation = pondere([("rue", 35), ("hebergement_urgence", 24), ("hopital", 12), ("tiers", 8),
                         ("squat", 6), ("hebergement_insertion", 6), ("prison", 4), ("autre", 3),
                         ("logement", 1), ("ase", 1)])
    commission = plus(entree, -R.randint(20, 120))
    p = {
        "id": f"P{numero:04d}",
        "nom": nouveau_nom(),
        "prenom": R.choice({"H": PRENOMS_H, "F": PRENOMS_F}.get(sexe, PRENOMS_H + PRENOMS_F)),
        "naissance": naissance,
        "annee_seule": R.random() < 0.08,
        "sexe": sexe,
        "nationalite": pondere([("francaise", 80), ("ue", 5), ("hors_ue", 12), (None, 3)]),
        "situation_avant": situation,
        "duree_sans_logement": min(240, max(3, int(R.lognormvariate(3.6, 0.8)))),
        "diagnostic": pondere([("schizophrenie", 64), ("trouble_bipolaire", 15),
                               ("autre_psychose", 10), ("depression_severe", 5), ("autre", 3),
                               (None, 3)]),
        "addiction": pondere([("oui", 55), ("non", 42), (None, 3)]),
        "orienteur": pondere([("empp", 35), ("siao", 25), ("hopital", 22), ("csapa_caarud", 6),
                              ("maraude", 5), ("justice", 3), ("autre", 4)]),
        "commission": commission if R.random() > 0.06 else None,
        "parcours_ase": pondere([("non", 85), ("oui", 4), (None, 11)]),
    }
    if R.random() < 0.04:
        p["duree_sans_logement"] = None
    return p


def simuler_accompagnements():
    personnes = []
    suivis = []
    presents = []
    reentrees_prevues = []  # [date_possible, id_personne]
    nb_reentrees_prevues = 0
    par_id = {}

    t = OUVERTURE
    while t <= FIN:
        for s in [s for s in presents if s["sortie"] == t]:
            presents.remove(s)
            if (s["motif"] in ("perdu_de_vue", "fin_a_la_demande", "incarceration",
                               "hospitalisation_longue")
                    and nb_reentrees_prevues < 6 and R.random() < 0.35):
                reentrees_prevues.append([plus(t, R.randint(90, 420)), s["personne"]])
                nb_reentrees_prevues += 1
        if t.weekday() < 5:
            anciennete = (t - OUVERTURE).days
            if anciennete < 548:
                cible, proba, maxi = 4 + 93 * anciennete / 548, 0.6, 2
            else:
                cible, proba, maxi = 97, 0.11, 1
            admis = 0
            while len(presents) < cible and admis < maxi and R.random() < proba:
                admis += 1
                pret = [r for r in reentrees_prevues if r[0] <= t]
                if pret:
                    reentrees_prevues.remove(pret[0])
                    personne = par_id[pret[0][1]]
                else:
                    personne = creer_personne(len(personnes) + 1, t)
                    personnes.append(personne)
                    par_id[personne["id"]] = personne
                duree = tirer_duree()
                sortie = plus(t, duree)
                s = {"personne": personne["id"], "entree": t, "sortie": None, "motif": None}
                if sortie <= FIN:
                    s["sortie"] = sortie
                    s["motif"] = pondere(MOTIFS_COURTS if duree < 365 else MOTIFS_LONGS)
                suivis.append(s)
                presents.append(s)
        t += UN_JOUR
    return personnes, suivis


# ---------------------------------------------------------------------------------------------
# Occupations et logements


def segments_occupation(s, compteurs):
    """Occupations successives d'un accompagnement : (début, fin, motif_fin)."""
    entree, sortie, motif = s["entree"], s["sortie"], s["motif"]
    debut = plus(entree, int(R.triangular(10, 120, 30)))
    limite = sortie or plus(FIN, 1)
    if debut > FIN or (sortie and debut >= plus(sortie, -7)):
        return []
    fin_finale = sortie
    motif_final = None
    if sortie:
        motif_final = "deces" if motif == "deces" else "fin_accompagnement"
        if motif == "perdu_de_vue" and R.random() < 0.5 and (sortie - debut).days > 120:
            fin_finale = plus(sortie, -R.randint(15, 60))
            motif_final = "abandon"
    segs = []
    courant = debut
    duree_dispo = (min(limite, fin_finale or limite) - courant).days
    if duree_dispo > 700 and compteurs["expulsion"] < 2 and R.random() < 0.06:
        compteurs["expulsion"] += 1
        fin = plus(courant, R.randint(200, duree_dispo - 400))
        segs.append((courant, fin, "expulsion"))
        courant = plus(fin, R.randint(30, 120))
    elif duree_dispo > 400 and R.random() < 0.22:
        fin = plus(courant, R.randint(120, duree_dispo - 90))
        segs.append((courant, fin, "relogement_dispositif"))
        courant = plus(fin, R.randint(1, 7))
    segs.append((courant, fin_finale, motif_final))
    return segs


COMMUNES = [("Lille", 30), ("Roubaix", 12), ("Tourcoing", 10), ("Villeneuve-d'Ascq", 7),
            ("Hellemmes", 4), ("Lomme", 5), ("Marcq-en-Barœul", 3), ("Mons-en-Barœul", 4),
            ("Lambersart", 3), ("La Madeleine", 3), ("Loos", 3), ("Faches-Thumesnil", 2),
            ("Wattrelos", 3), ("Ronchin", 2), ("Croix", 2), ("Saint-André-lez-Lille", 2),
            ("Wasquehal", 2), ("Haubourdin", 2)]


def nouveau_logement(numero, premiere_occupation):
    captation = plus(premiere_occupation, -R.randint(7, 75))
    typologie = pondere([("studio", 35), ("t1", 35), ("t2", 25), ("t3_plus", 5)])
    base = {"studio": 380, "t1": 430, "t2": 520, "t3_plus": 600}[typologie]
    return {
        "id": f"L{numero:03d}",
        "bailleur": pondere([("prive", 60), ("social", 40)]),
        "typologie": typologie,
        "commune": pondere(COMMUNES),
        "loyer": round(min(650, max(350, base + R.uniform(-30, 50))) * 2) / 2,
        "captation": captation,
        "libre_depuis": None,
        "restitue": False,
    }


def construire_occupations(suivis):
    compteurs = {"expulsion": 0}
    brutes = []
    for s in suivis:
        segs = segments_occupation(s, compteurs)
        for i, (debut, fin, motif_fin) in enumerate(segs):
            brutes.append({"personne": s["personne"], "suivi": s, "debut": debut, "fin": fin,
                           "motif_fin": motif_fin, "dernier": i == len(segs) - 1})
    brutes.sort(key=lambda o: (o["debut"], o["personne"]))

    logements = []
    for o in brutes:
        libres = [lg for lg in logements
                  if lg["libre_depuis"] is not None and not lg["restitue"]
                  and lg["libre_depuis"] <= o["debut"]]
        if libres and R.random() < 0.75:
            lg = min(libres, key=lambda x: (x["libre_depuis"], x["id"]))
        else:
            lg = nouveau_logement(len(logements) + 1, o["debut"])
            logements.append(lg)
        o["logement"] = lg["id"]
        if o["fin"] is None:
            lg["libre_depuis"] = None
            lg["occupe"] = True
        else:
            # vacance (remise en état) avant un nouvel occupant ; certains sont rendus au bailleur
            lg["libre_depuis"] = plus(o["fin"], R.randint(20, 90))
            lg["restitue"] = R.random() < 0.3

        s = o["suivi"]
        statut = pondere([("sous_location", 66), ("bail_glissant", 24), ("bail_direct", 10)])
        glissement = None
        fin_effective = o["fin"] or plus(FIN, 1)
        if (o["dernier"] and s["motif"] == "relogement_autonome"
                and (fin_effective - o["debut"]).days >= 400 and R.random() < 0.75):
            statut = "bail_glissant"
            candidat = plus(fin_effective, -R.randint(0, 90))
            if (candidat - o["debut"]).days >= 365:
                glissement = candidat
        elif statut == "bail_glissant":
            candidat = plus(o["debut"], R.randint(365, 900))
            if candidat < fin_effective and candidat <= FIN:
                glissement = candidat
        o["statut"] = statut
        o["glissement"] = glissement

    # deux logements captés fin 2025, pas encore attribués
    for _ in range(2):
        lg = nouveau_logement(len(logements) + 1, D(2025, 12, 31))
        lg["captation"] = D(2025, R.randint(11, 12), R.randint(1, 20))
        logements.append(lg)
    for i, o in enumerate(brutes, 1):
        o["id"] = f"O{i:04d}"
    return brutes, logements


# ---------------------------------------------------------------------------------------------
# Hospitalisations


def hospitalisations(personnes, suivis_par_personne):
    sejours = []
    for p in personnes:
        suivis = suivis_par_personne[p["id"]]
        debut = plus(suivis[0]["entree"], -730)
        fin = min(FIN, suivis[-1]["sortie"] or FIN)
        facteur = R.choice([0.2, 0.5, 0.8, 1, 1, 1.3, 2, 3])
        t = debut
        liste = []
        while True:
            dans_programme = any(s["entree"] <= t and (s["sortie"] is None or t < s["sortie"])
                                 for s in suivis)
            taux_psy = (0.35 if dans_programme else 1.1) * facteur
            taux_urg = (0.4 if dans_programme else 0.9) * facteur
            taux_som = 0.15
            taux_add = 0.15 if p["addiction"] == "oui" else 0.0
            total = taux_psy + taux_urg + taux_som + taux_add
            t = plus(t, 1 + int(R.expovariate(total / 365)))
            if t > fin:
                break
            typ = pondere([("psychiatrie", taux_psy), ("urgences", taux_urg),
                           ("somatique", taux_som), ("addictologie", taux_add)])
            if typ == "psychiatrie":
                d_fin = plus(t, R.randint(5, 60))
                mode = pondere([("libre", 55), ("sdt", 25), ("sdre", 10), (None, 10)])
            elif typ == "somatique":
                d_fin = plus(t, R.randint(2, 15))
                mode = None
            elif typ == "addictologie":
                d_fin = plus(t, R.randint(7, 28))
                mode = None
            else:
                d_fin = t if R.random() < 0.5 else None
                mode = None
            if d_fin is not None and d_fin > FIN:
                d_fin = FIN
            liste.append({"personne": p["id"], "debut": t, "fin": d_fin, "type": typ,
                          "mode": mode})
            t = d_fin or t
        # une personne sortie pour hospitalisation longue : le séjour commence avant la sortie
        for s in suivis:
            if s["motif"] == "hospitalisation_longue":
                d = plus(s["sortie"], -R.randint(20, 90))
                f = min(FIN, plus(s["sortie"], R.randint(60, 200)))
                liste = [h for h in liste if not chevauche(h["debut"], h["fin"] or h["debut"],
                                                           plus(d, -1), plus(f, 1))]
                liste.append({"personne": p["id"], "debut": d, "fin": f, "type": "psychiatrie",
                              "mode": pondere([("sdt", 50), ("sdre", 30), ("libre", 20)])})
        sejours.extend(liste)
    return sejours


def forcer_sejour(sejours, personne, debut, fin, mode):
    garde_fin = fin or FIN
    sejours[:] = [h for h in sejours
                  if not (h["personne"] == personne
                          and chevauche(h["debut"], h["fin"] or h["debut"],
                                        plus(debut, -10), plus(garde_fin, 10)))]
    sejours.append({"personne": personne, "debut": debut, "fin": fin, "type": "psychiatrie",
                    "mode": mode})


# ---------------------------------------------------------------------------------------------
# Situations (droits, ressources, activité)


def montant(ressource):
    if ressource == "aucune":
        return 0.0
    bornes = {"aah": (960, 1016.05), "rsa": (560, 646), "salaire": (700, 1100),
              "pension_retraite": (700, 1100), "chomage": (500, 1000), "cej": (400, 528),
              "autre": (200, 600)}[ressource]
    return round(R.uniform(*bornes), 2)


def situations(personnes, suivis_par_personne):
    lignes = []
    for p in personnes:
        for s in suivis_par_personne[p["id"]]:
            age = (s["entree"] - p["naissance"]).days / 365.25
            etat = {
                "couverture": pondere([("aucune", 25), ("ame", 8 if p["nationalite"] == "hors_ue"
                                                        else 1),
                                       ("puma_seule", 30), ("puma_css", 36)]),
                "ressource": pondere([("aucune", 25), ("rsa", 30), ("aah", 33), ("chomage", 3),
                                      ("salaire", 2), ("autre", 4),
                                      ("pension_retraite", 8 if age >= 60 else 0)]),
                "protection": pondere([("aucune", 70), ("curatelle", 20), ("tutelle", 6),
                                       ("sauvegarde", 2), (None, 2)]),
                "medecin": pondere([("oui", 30), ("non", 65), (None, 5)]),
                "psy": pondere([("oui", 50), ("non", 47), (None, 3)]),
                "activite": pondere([("aucune", 88), ("benevolat", 5), ("formation", 3),
                                     ("emploi", 2), (None, 2)]),
            }
            etat["montant"] = montant(etat["ressource"])
            d = min(FIN, max(OUVERTURE, plus(s["entree"], R.randint(-5, 5))))
            n = 1
            while True:
                m = etat["montant"] if R.random() > 0.04 else None
                lignes.append([p["id"], d, etat["couverture"], etat["ressource"], m,
                               etat["protection"], etat["medecin"], etat["psy"],
                               etat["activite"]])
                # bilan annuel autour de la date anniversaire
                try:
                    anniv = s["entree"].replace(year=s["entree"].year + n)
                except ValueError:
                    anniv = plus(s["entree"].replace(day=28, year=s["entree"].year + n), 1)
                d = plus(anniv, R.randint(-20, 20))
                n += 1
                if d > FIN or (s["sortie"] and d >= s["sortie"]):
                    break
                evoluer(etat, age + n)
    return lignes


def evoluer(etat, age):
    c = etat["couverture"]
    if c in ("aucune", "ame") and R.random() < 0.7:
        etat["couverture"] = pondere([("puma_css", 70), ("puma_seule", 30)])
    elif c == "puma_seule" and R.random() < 0.4:
        etat["couverture"] = "puma_css"
    r = etat["ressource"]
    nouvelle = r
    if r == "aucune" and R.random() < 0.75:
        nouvelle = pondere([("rsa", 55), ("aah", 45)])
    elif r == "rsa" and R.random() < 0.3:
        nouvelle = pondere([("aah", 85), ("salaire", 10), ("cej", 5 if age < 26 else 0)])
    elif r in ("chomage", "autre") and R.random() < 0.3:
        nouvelle = "aah"
    elif r == "aah" and age >= 62 and R.random() < 0.3:
        nouvelle = "pension_retraite"
    if nouvelle != r:
        etat["ressource"] = nouvelle
        etat["montant"] = montant(nouvelle)
    elif etat["montant"]:
        etat["montant"] = round(min(1100, etat["montant"] * R.uniform(1.0, 1.04)), 2)
    if etat["protection"] == "aucune" and R.random() < 0.08:
        etat["protection"] = pondere([("curatelle", 80), ("sauvegarde", 20)])
    if etat["medecin"] != "oui" and R.random() < 0.5:
        etat["medecin"] = "oui"
    if etat["psy"] != "oui" and R.random() < 0.5:
        etat["psy"] = "oui"
    if etat["activite"] in ("aucune", None) and R.random() < 0.1:
        etat["activite"] = pondere([("benevolat", 50), ("formation", 25), ("emploi", 25)])


# ---------------------------------------------------------------------------------------------
# Interventions

METIERS = [("travailleur_social", 30), ("infirmier", 25), ("mediateur_sante_pair", 14),
           ("educateur", 10), ("psychiatre", 8), ("charge_gla", 8), ("medecin", 5)]
COMMENTAIRES = {
    "visite_domicile": ["Visite au domicile, logement bien tenu", "Café partagé, échange sur la semaine",
                        "Point sur le traitement, observance correcte", "Aide au rangement du logement",
                        "Visite calme ; projet de reprise d'activité évoqué",
                        "Logement encombré, à revoir avec le chargé GLA"],
    "accompagnement_exterieur": ["Accompagnement à la CPAM", "Rendez-vous CMP, traitement renouvelé",
                                 "Courses alimentaires ensemble", "Démarches MDPH (dossier AAH)",
                                 "Accompagnement chez le médecin traitant", "Banque, ouverture de compte"],
    "entretien_local": ["Entretien au local, point budget", "Entretien avec le psychiatre de l'équipe",
                        "Point sur les projets, envies de bénévolat"],
    "telephone": ["Appel pour organiser la visite de jeudi", "Appel de la personne, inquiète pour son loyer",
                  "Rappel du rendez-vous, OK"],
    "visite_non_aboutie": ["Personne absente, mot laissé sous la porte", "Pas de réponse à l'interphone"],
}
DUREES = {"visite_domicile": (30, 90), "accompagnement_exterieur": (60, 120),
          "entretien_local": (30, 60), "telephone": (15, 30), "visite_non_aboutie": (15, 30)}


def interventions(personnes, suivis, occupations, sejours, sans_contact):
    occ_par_personne = {}
    for o in occupations:
        occ_par_personne.setdefault(o["personne"], []).append(o)
    hosp_par_personne = {}
    for h in sejours:
        if h["type"] != "urgences":
            hosp_par_personne.setdefault(h["personne"], []).append(h)
    rythme = {}
    for p in personnes:
        rythme[p["id"]] = pondere([(R.uniform(0.4, 0.7), 15), (R.uniform(0.9, 1.4), 60),
                                   (R.uniform(1.6, 2.2), 25)])
    lignes = []
    for s in suivis:
        pid = s["personne"]
        debut = max(s["entree"], DEBUT_INTERVENTIONS)
        fin = min(plus(s["sortie"], -1) if s["sortie"] else FIN, FIN)
        vad = rythme[pid]
        for d in jours_entre(debut, fin):
            if d.weekday() >= 5:
                continue
            loge = any(o["debut"] <= d and (o["fin"] is None or d < o["fin"])
                       for o in occ_par_personne.get(pid, []))
            hospitalise = any(h["debut"] <= d and (h["fin"] is None or d <= h["fin"])
                              for h in hosp_par_personne.get(pid, []))
            silence = pid in sans_contact and d >= plus(FIN, -40)
            taux = {  # par semaine
                "visite_domicile": 0 if hospitalise else (vad if loge else vad * 0.25),
                "accompagnement_exterieur": 0.2 if hospitalise else (0.5 if loge else 1.0),
                "entretien_local": 0 if hospitalise else 0.2,
                "telephone": 0.8,
                "visite_non_aboutie": 0 if hospitalise else (0.08 * vad if loge else 0.02),
            }
            if silence:
                taux = {"visite_non_aboutie": 0.8}
            for typ, t in taux.items():
                p_jour = t / 5
                n = int(p_jour) + (1 if R.random() < p_jour - int(p_jour) else 0)
                for _ in range(n):
                    lignes.append(une_intervention(pid, d, typ))
    lignes.sort(key=lambda l: (l[1], l[0]))
    return lignes


def une_intervention(pid, d, typ):
    if typ in ("visite_domicile", "accompagnement_exterieur"):
        binome = pondere([("oui", 40), ("non", 55), (None, 5)])
    elif typ == "telephone":
        binome = pondere([("non", 90), (None, 10)])
    else:
        binome = pondere([("oui", 25), ("non", 70), (None, 5)])
    n_metiers = 2 if binome == "oui" else 1
    metiers = []
    while len(metiers) < n_metiers:
        m = pondere(METIERS)
        if m not in metiers:
            metiers.append(m)
    metiers_txt = ";".join(metiers) if R.random() > 0.03 else None
    duree = R.randint(*DUREES[typ]) if R.random() > 0.05 else None
    if duree:
        duree = duree // 5 * 5 or 15
    commentaire = R.choice(COMMENTAIRES[typ]) if R.random() < 0.4 else None
    if typ == "visite_domicile" and R.random() < 0.001:
        commentaire = "Visite tendue.\nÀ reprendre en réunion d'équipe"  # champ sur deux lignes
    return [pid, d, typ, binome, metiers_txt, duree, commentaire]


# ---------------------------------------------------------------------------------------------
# Quittancement


def mois_entre(debut, fin):
    a, m = debut
    while (a, m) <= fin:
        yield a, m
        m += 1
        if m == 13:
            a, m = a + 1, 1


def quittancement(personnes, occupations):
    occ_par_personne = {}
    for o in occupations:
        occ_par_personne.setdefault(o["personne"], []).append(o)
    lignes = []
    for p in personnes:
        occs = occ_par_personne.get(p["id"], [])
        if not occs:
            continue
        base = round(R.uniform(50, 220), 2)
        profil = pondere([(0.02, 70), (0.15, 25), (0.4, 5)])
        dette = 0.0
        for a, m in mois_entre(DEBUT_QUITTANCEMENT, (FIN.year, FIN.month)):
            premier = D(a, m, 1)
            dernier = plus(D(a + (m == 12), m % 12 + 1, 1), -1)
            if not any(chevauche(o["debut"], plus(o["fin"], -1) if o["fin"] else None,
                                 premier, dernier) for o in occs):
                continue
            if m == 1 and a > DEBUT_QUITTANCEMENT[0]:
                base = round(min(250, base * R.uniform(1.0, 1.03)), 2)
            du = base
            x = R.random()
            if x < profil:
                paye = 0.0
            elif x < profil + 0.05:
                paye = round(du * R.uniform(0.3, 0.8), 2)
            elif dette > 0 and R.random() < 0.3:
                paye = round(du + min(dette, du * R.uniform(0.3, 1.0)), 2)
            else:
                paye = du
            dette = round(dette + du - paye, 2)
            lignes.append([p["id"], f"{m:02d}/{a}", du, paye])
    return lignes


# ---------------------------------------------------------------------------------------------
# Incidents, effectifs, budget


def incidents(occupations):
    lignes = []
    for annee in range(2019, 2026):
        debut = max(OUVERTURE, D(annee, 1, 1))
        fin = D(annee, 12, 31)
        n = R.randint(22, 38) if annee >= 2021 else (10 if annee == 2019 else 22)
        for _ in range(n):
            for _essai in range(50):
                d = plus(debut, R.randint(0, (fin - debut).days))
                actives = [o for o in occupations
                           if o["debut"] <= d and (o["fin"] is None or d < o["fin"])]
                if actives:
                    break
            o = R.choice(actives)
            typ = pondere([("trouble_voisinage", 30), ("degradation", 14), ("degat_des_eaux", 20),
                           ("intervention_technique", 20), ("incendie", 3), ("intrusion_squat", 5),
                           ("autre", 8)])
            cout = None
            if typ in ("degradation", "degat_des_eaux", "intervention_technique") and R.random() < 0.6:
                cout = round(R.uniform(80, 2500), 2)
            elif typ == "incendie":
                cout = round(R.uniform(1500, 8000), 2)
            personne = o["personne"] if R.random() < 0.85 else None
            lignes.append([o["logement"], personne, d, typ, cout])
    lignes.sort(key=lambda l: (l[2], l[0]))
    return lignes


EFFECTIFS = [
    ("coordinateur", 1, D(2019, 1, 7), None),
    ("direction", 0.1, D(2019, 3, 1), None),
    ("secretariat", 0.5, D(2019, 3, 1), None),
    ("psychiatre", 0.5, D(2019, 3, 1), None),
    ("medecin", 0.2, D(2019, 9, 2), None),
    ("infirmier", 1, D(2019, 3, 1), None),
    ("infirmier", 1, D(2019, 3, 1), D(2025, 6, 30)),
    ("infirmier", 1, D(2025, 9, 1), None),
    ("infirmier", 0.8, D(2020, 1, 6), None),
    ("travailleur_social", 1, D(2019, 3, 1), None),
    ("travailleur_social", 1, D(2019, 3, 1), D(2022, 8, 31)),
    ("travailleur_social", 1, D(2022, 10, 3), None),
    ("travailleur_social", 1, D(2019, 9, 2), None),
    ("travailleur_social", 0.8, D(2020, 3, 2), None),
    ("educateur", 1, D(2020, 3, 2), None),
    ("mediateur_sante_pair", 1, D(2019, 3, 1), None),
    ("mediateur_sante_pair", 0.5, D(2021, 1, 4), D(2025, 3, 31)),
    ("mediateur_sante_pair", 1, D(2025, 4, 1), None),
    ("charge_gla", 1, D(2019, 1, 7), None),
    ("charge_gla", 1, D(2020, 6, 1), None),
]

BUDGET = [  # poste, groupe, prévu, réalisé (2025)
    ("Fournitures et petit équipement", "groupe_1", 24000, 21873.42),
    ("Frais de déplacement", "groupe_1", 30000, 33412.18),
    ("Énergie et fluides des logements", "groupe_1", 16000, 17245.90),
    ("Salaires bruts", "groupe_2", 625000, 611240.55),
    ("Charges sociales", "groupe_2", 268000, 262833.47),
    ("Formation, supervision et analyse des pratiques", "groupe_2", 14000, 11980.00),
    ("Intérim et remplacements", "groupe_2", None, 18650.00),
    ("Loyers et charges locatives", "groupe_3", 305000, 312784.36),
    ("Entretien et réparations des logements", "groupe_3", 42000, 48119.75),
    ("Assurances (responsabilité civile ; multirisque)", "groupe_3", 15500, 15318.00),
    ("Dotations aux amortissements", "groupe_3", 18000, 17600.00),
    ("Frais de siège", "groupe_3", 41000, 41000.00),
]


# ---------------------------------------------------------------------------------------------


def main():
    SORTIE.mkdir(parents=True, exist_ok=True)
    personnes, suivis = simuler_accompagnements()
    suivis_par_personne = {}
    for s in suivis:
        suivis_par_personne.setdefault(s["personne"], []).append(s)

    occupations, logements = construire_occupations(suivis)

    sejours = hospitalisations(personnes, suivis_par_personne)
    presents_fin = [s["personne"] for s in suivis if s["sortie"] is None]
    presents_passage = [s["personne"] for s in suivis
                        if s["entree"] <= D(2024, 6, 1) and s["sortie"] is None]
    p_passage = R.choice(presents_passage)
    forcer_sejour(sejours, p_passage, D(2024, 12, 18), D(2025, 1, 21), "sdt")
    p_en_cours = R.choice([p for p in presents_fin if p != p_passage])
    forcer_sejour(sejours, p_en_cours, D(2025, 12, 9), None, "libre")
    sejours.sort(key=lambda h: (h["debut"], h["personne"]))
    sans_contact = R.sample([p for p in presents_fin if p not in (p_passage, p_en_cours)], 2)

    # ---- écriture
    lignes = []
    for p in personnes:
        lignes.append([p["id"], p["nom"], p["prenom"],
                       "" if p["annee_seule"] else fmt_date(p["naissance"], "personnes"),
                       p["naissance"].year if p["annee_seule"] else "",
                       p["sexe"], p["nationalite"], p["situation_avant"], p["duree_sans_logement"],
                       p["diagnostic"], p["addiction"], p["orienteur"],
                       fmt_date(p["commission"], "personnes"), p["parcours_ase"]])
    ecrire("personnes", lignes)

    ecrire("accompagnements",
           [[s["personne"], fmt_date(s["entree"], "accompagnements"),
             fmt_date(s["sortie"], "accompagnements"), s["motif"]]
            for s in sorted(suivis, key=lambda s: (s["personne"], s["entree"]))])

    ecrire("interventions",
           [[l[0], fmt_date(l[1], "interventions"), *l[2:]]
            for l in interventions(personnes, suivis, occupations, sejours, sans_contact)])

    ecrire("hospitalisations",
           [[h["personne"], fmt_date(h["debut"], "hospitalisations"),
             fmt_date(h["fin"], "hospitalisations"), h["type"], h["mode"]] for h in sejours])

    ecrire("situations",
           [[l[0], fmt_date(l[1], "situations"), *l[2:4],
             fmt_nombre(l[4], "situations"), *l[5:]]
            for l in sorted(situations(personnes, suivis_par_personne),
                            key=lambda l: (l[0], l[1]))])

    ecrire("logements",
           [[lg["id"], lg["bailleur"], lg["typologie"] if lg["id"] != "L017" else None,
             lg["commune"] if lg["id"] != "L042" else None,
             fmt_nombre(lg["loyer"], "logements"), fmt_date(lg["captation"], "logements")]
            for lg in logements])

    ecrire("occupations",
           [[o["id"], o["logement"], o["personne"], fmt_date(o["debut"], "occupations"),
             fmt_date(o["fin"], "occupations"), o["statut"],
             fmt_date(o["glissement"], "occupations"), o["motif_fin"]] for o in occupations])

    ecrire("quittancement",
           [[l[0], l[1], fmt_nombre(l[2], "quittancement"), fmt_nombre(l[3], "quittancement")]
            for l in quittancement(personnes, occupations)])

    ecrire("incidents",
           [[l[0], l[1], fmt_date(l[2], "incidents"), l[3], fmt_nombre(l[4], "incidents")]
            for l in incidents(occupations)])

    ecrire("effectifs",
           [[m, fmt_nombre(e, "effectifs", 0 if float(e).is_integer() else 1),
             fmt_date(d, "effectifs"), fmt_date(f, "effectifs")] for m, e, d, f in EFFECTIFS])

    ecrire("budget",
           [[poste, groupe, fmt_nombre(prevu, "budget", milliers=True),
             fmt_nombre(realise, "budget", milliers=True)]
            for poste, groupe, prevu, realise in BUDGET])

    ecrire_config()
    return verifier()


CONFIG = """\
# Site fictif : toutes les personnes et tous les chiffres sont inventés.
site = "Association Horizon — Métropole lilloise (site fictif)"

[confidentialite]
seuil = 5

[[dispositif]]
id = "ucsd_lille"
nom = "Un chez-soi d'abord Lille"
type = "ucsd"
places = 100
ouverture = 2019-03-01
objectif_vad = 1

[dispositif.sources]
personnes = "personnes.csv"
accompagnements = "accompagnements.csv"
interventions = "interventions.csv"
hospitalisations = "hospitalisations.csv"
situations = "situations.csv"
logements = "logements.csv"
occupations = "occupations.csv"
quittancement = "quittancement.csv"
incidents = "incidents.csv"
effectifs = "effectifs.csv"
budget = "budget.csv"
"""


def ecrire_config():
    with open(SORTIE / "bilan.toml", "w", encoding="utf-8", newline="\n") as f:
        f.write(CONFIG)


# ---------------------------------------------------------------------------------------------
# Vérification : relit les fichiers écrits et contrôle leur cohérence.


def lire(table):
    encodage, delim, fin_ligne = FORMATS[table]
    brut = (SORTIE / f"{table}.csv").read_bytes()
    erreurs = []
    if table == "personnes" and not brut.startswith(b"\xef\xbb\xbf"):
        erreurs.append("personnes.csv sans BOM")
    if fin_ligne == "\r\n" and brut.count(b"\n") != brut.count(b"\r\n"):
        erreurs.append(f"{table}: fins de ligne non CRLF")
    if fin_ligne == "\n" and b"\r" in brut:
        erreurs.append(f"{table}: CR inattendu")
    texte = brut.decode(encodage)
    lignes = list(csv.reader(io.StringIO(texte, newline=""), delimiter=delim))
    if lignes[0] != ENTETES[table]:
        erreurs.append(f"{table}: en-tête {lignes[0]}")
    dicts = [dict(zip(lignes[0], l)) for l in lignes[1:]]
    for l in lignes[1:]:
        if len(l) != len(lignes[0]):
            erreurs.append(f"{table}: ligne de {len(l)} champs")
    return brut, dicts, erreurs


def lire_date(texte, table):
    if not texte:
        return None
    if FORMATS[table][1] == ";":
        return dt.datetime.strptime(texte, "%d/%m/%Y").date()
    return D.fromisoformat(texte)


def verifier():
    erreurs = []
    donnees = {}
    print(f"{'fichier':<22} {'lignes':>7} {'octets':>10}  format")
    for table in FORMATS:
        brut, dicts, e = lire(table)
        erreurs += e
        donnees[table] = dicts
        enc, delim, fl = FORMATS[table]
        utf8_valide = True
        try:
            brut.decode("utf-8")
        except UnicodeDecodeError:
            utf8_valide = False
        note = ""
        if enc == "cp1252":
            note = "non-ASCII, invalide en UTF-8" if not utf8_valide else "ASCII seul"
            if utf8_valide and any(b > 127 for b in brut):
                erreurs.append(f"{table}: cp1252 mais décodable en UTF-8")
        print(f"{table + '.csv':<22} {len(dicts):>7} {len(brut):>10}  {enc} {delim!r} "
              f"{'CRLF' if fl == chr(13) + chr(10) else 'LF'} {note}")
    if not any(FORMATS[t][0] == "cp1252" and any(b > 127 for b in (SORTIE / f"{t}.csv").read_bytes())
               for t in FORMATS):
        erreurs.append("aucun fichier cp1252 ne contient de caractère accentué")

    # toutes les dates <= FIN
    colonnes_dates = {"personnes": ["date_naissance", "date_commission"],
                      "accompagnements": ["date_entree", "date_sortie"],
                      "interventions": ["date"], "hospitalisations": ["date_debut", "date_fin"],
                      "situations": ["date"], "logements": ["date_captation"],
                      "occupations": ["date_entree", "date_sortie", "date_glissement"],
                      "incidents": ["date"], "effectifs": ["date_debut", "date_fin"]}
    for table, cols in colonnes_dates.items():
        for r in donnees[table]:
            for c in cols:
                d = lire_date(r[c], table)
                if d and d > FIN:
                    erreurs.append(f"{table}.{c} après le 31/12/2025 : {r[c]}")
    for r in donnees["quittancement"]:
        m, a = r["mois"].split("/")
        if (int(a), int(m)) > (2025, 12):
            erreurs.append(f"quittancement après 2025-12 : {r['mois']}")

    # personnes : identifiants, âge, naissance
    ids = [r["id_personne"] for r in donnees["personnes"]]
    if len(ids) != len(set(ids)):
        erreurs.append("id_personne en double")
    for r in donnees["personnes"]:
        if bool(r["date_naissance"]) == bool(r["annee_naissance"]):
            erreurs.append(f"{r['id_personne']}: naissance ni date ni année seule")

    # accompagnements
    suivis = {}
    for r in donnees["accompagnements"]:
        e = lire_date(r["date_entree"], "accompagnements")
        s = lire_date(r["date_sortie"], "accompagnements")
        if r["id_personne"] not in ids:
            erreurs.append(f"accompagnement d'une personne inconnue {r['id_personne']}")
        if s and (s <= e or not r["motif_sortie"]):
            erreurs.append(f"accompagnement incohérent {r}")
        suivis.setdefault(r["id_personne"], []).append((e, s))
    for pid, ls in suivis.items():
        ls.sort()
        for (e1, s1), (e2, s2) in zip(ls, ls[1:]):
            if s1 is None or s1 > e2:
                erreurs.append(f"accompagnements qui se chevauchent : {pid}")

    def present(pid, t):
        return any(e <= t and (s is None or s > t) for e, s in suivis.get(pid, []))

    presents = {a: sum(present(p, D(a, 12, 31)) for p in ids) for a in range(2019, 2026)}
    print("présents au 31/12 :", presents)
    print("présents au 31/08/2020 :", sum(present(p, D(2020, 8, 31)) for p in ids))
    if not 80 <= presents[2025] <= PLACES:
        erreurs.append(f"présents au 31/12/2025 = {presents[2025]}")
    reentrees = sum(1 for ls in suivis.values() if len(ls) > 1)
    print(f"personnes : {len(ids)} ; accompagnements : {len(donnees['accompagnements'])} ; "
          f"personnes avec réentrée : {reentrees}")
    motifs = {}
    for r in donnees["accompagnements"]:
        if r["motif_sortie"]:
            motifs[r["motif_sortie"]] = motifs.get(r["motif_sortie"], 0) + 1
    print("motifs de sortie :", dict(sorted(motifs.items(), key=lambda x: -x[1])))
    par_an = {}
    for r in donnees["accompagnements"]:
        a = r["date_entree"][:4]
        par_an.setdefault(a, [0, 0])[0] += 1
        if r["date_sortie"]:
            par_an.setdefault(r["date_sortie"][:4], [0, 0])[1] += 1
    print("entrées / sorties par an :", dict(sorted(par_an.items())))

    # occupations dans les accompagnements, pas de chevauchement, logements connus
    logements = {r["id_logement"]: r for r in donnees["logements"]}
    occ_par_logement = {}
    occ_par_personne = {}
    for r in donnees["occupations"]:
        e = lire_date(r["date_entree"], "occupations")
        s = lire_date(r["date_sortie"], "occupations")
        g = lire_date(r["date_glissement"], "occupations")
        pid = r["id_personne"]
        if r["id_logement"] not in logements:
            erreurs.append(f"logement inconnu {r['id_logement']}")
        if s and (s <= e or not r["motif_fin"]):
            erreurs.append(f"occupation incohérente {r}")
        if g and (g < e or (s and g > s)):
            erreurs.append(f"glissement hors occupation {r}")
        dedans = any(se <= e and (ss is None or (s is not None and s <= ss))
                     for se, ss in suivis.get(pid, []))
        if not dedans:
            erreurs.append(f"occupation hors accompagnement {r}")
        occ_par_logement.setdefault(r["id_logement"], []).append((e, s))
        occ_par_personne.setdefault(pid, []).append((e, s))
        cap = lire_date(logements.get(r["id_logement"], {}).get("date_captation", ""), "logements")
        if cap and cap > e:
            erreurs.append(f"captation après occupation {r}")
    for cle, ls in list(occ_par_logement.items()) + list(occ_par_personne.items()):
        ls.sort()
        for (e1, s1), (e2, s2) in zip(ls, ls[1:]):
            if s1 is None or s1 > e2:
                erreurs.append(f"occupations qui se chevauchent : {cle}")
    loges_fin = sum(1 for ls in occ_par_personne.values()
                    if any(e <= FIN and (s is None or s > FIN) for e, s in ls))
    print(f"logements : {len(logements)} ; occupations : {len(donnees['occupations'])} ; "
          f"logés au 31/12/2025 : {loges_fin} ; logements réutilisés : "
          f"{sum(1 for ls in occ_par_logement.values() if len(ls) > 1)}")

    # interventions dans les accompagnements
    hors = 0
    for r in donnees["interventions"]:
        d = D.fromisoformat(r["date"])
        if not any(e <= d and (s is None or d < s) for e, s in suivis.get(r["id_personne"], [])):
            hors += 1
    if hors:
        erreurs.append(f"{hors} interventions hors accompagnement")
    vad_2025 = sum(1 for r in donnees["interventions"]
                   if r["type"] == "visite_domicile" and r["date"].startswith("2025"))
    jours_2025 = sum(max(0, (min(s or plus(FIN, 1), plus(FIN, 1)) - max(e, D(2025, 1, 1))).days)
                     for ls in suivis.values() for e, s in ls)
    print(f"VAD 2025 : {vad_2025} ; VAD par personne et par semaine : "
          f"{vad_2025 / (jours_2025 / 7):.2f}")

    hosp_ouverts = [r for r in donnees["hospitalisations"]
                    if not r["date_fin"] and r["type"] != "urgences"]
    if len(hosp_ouverts) != 1:
        erreurs.append(f"{len(hosp_ouverts)} séjours en cours au lieu de 1")
    traverse = [r for r in donnees["hospitalisations"]
                if r["date_debut"] < "2025-01-01" and r["date_fin"] >= "2025-01-01"]
    print(f"séjours en cours : {len(hosp_ouverts)} ; séjours à cheval sur le 01/01/2025 : "
          f"{len(traverse)}")
    print("incidents par an :", {a: sum(1 for r in donnees["incidents"] if r["date"].endswith(str(a)))
                                 for a in range(2019, 2026)})

    total = sum(float(r["realise"].replace(" ", "").replace(",", ".")) for r in donnees["budget"])
    print(f"budget réalisé total : {total:,.2f} €".replace(",", " "))

    for e in erreurs[:30]:
        print("ERREUR :", e, file=sys.stderr)
    if erreurs:
        print(f"{len(erreurs)} erreur(s)", file=sys.stderr)
        return 1
    print("vérification : OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
