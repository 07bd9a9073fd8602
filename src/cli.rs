//! Command-line arguments, with French help and French usage errors.

use std::error::Error as _;
use std::io::Write as _;
use std::path::PathBuf;

use clap::error::{ContextKind, ErrorKind};
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::privacy::Audience;

const TEMPLATE: &str = "\
{before-help}{about-with-newline}
Utilisation : {usage}

{all-args}{after-help}";

#[derive(Parser)]
#[command(
    name = "bilan",
    override_usage = "bilan <COMMANDE> [OPTIONS]",
    version,
    about = "Évaluation annuelle des dispositifs « Un chez-soi d'abord » et « Logement d'abord » : \
             lit les exports du site, calcule les indicateurs du guide national et produit les tableaux \
             et le rapport.",
    help_template = TEMPLATE,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    next_help_heading = "Options",
    subcommand_help_heading = "Commandes",
    subcommand_value_name = "COMMANDE"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Affiche cette aide
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// Affiche la version
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Calcule les indicateurs d'un site et écrit les tableaux, indicateurs.csv et le rapport
    #[command(
        help_template = TEMPLATE,
        next_help_heading = "Options",
        override_usage = "bilan rapport --config <FICHIER> (--annee <AAAA> | --debut <DATE> --fin <DATE>) --sortie <DOSSIER> [--audience <AUDIENCE>] [--pdf]"
    )]
    Rapport(ReportArgs),
    /// Produit le rapport du site fictif fourni avec l'outil, pour voir le résultat
    #[command(
        help_template = TEMPLATE,
        next_help_heading = "Options",
        override_usage = "bilan exemple --sortie <DOSSIER> [--pdf]"
    )]
    Exemple {
        /// Dossier où écrire les résultats (créé au besoin)
        #[arg(long = "sortie", value_name = "DOSSIER")]
        output: PathBuf,
        /// Produit aussi le rapport en PDF (rapport.pdf)
        #[arg(long = "pdf")]
        pdf: bool,
    },
    /// Vérifie les données d'un site et liste chaque problème trouvé (fichier, ligne, colonne, valeur)
    #[command(
        help_template = TEMPLATE,
        next_help_heading = "Options",
        override_usage = "bilan verifier --config <FICHIER> (--annee <AAAA> | --debut <DATE> --fin <DATE>) [--format <FORMAT>] [--sortie <FICHIER>]"
    )]
    Verifier(CheckArgs),
    /// Consolide les résultats « interne » de plusieurs sites : ensembles nationaux et repères
    #[command(
        help_template = TEMPLATE,
        next_help_heading = "Options",
        override_usage = "bilan consolider <DOSSIER>... --sortie <DOSSIER> [--audience <AUDIENCE>] [--pdf]"
    )]
    Consolider(ConsolidateArgs),
    /// Prépare la configuration d'un nouveau site (bilan.toml et profil.toml) à partir du dossier de ses exports
    #[command(
        help_template = TEMPLATE,
        next_help_heading = "Options",
        override_usage = "bilan init <DOSSIER> [--sortie <DOSSIER>] [--remplacer]"
    )]
    Init(InitArgs),
    /// Liste le catalogue des indicateurs, ou affiche la définition complète de l'un d'eux
    #[command(
        help_template = TEMPLATE,
        next_help_heading = "Options",
        override_usage = "bilan indicateurs [ID] [--config <FICHIER>]"
    )]
    Indicateurs {
        /// Identifiant de l'indicateur à détailler (par exemple file_active)
        #[arg(value_name = "ID")]
        id: Option<String>,
        /// Fichier de configuration d'un site : ajoute ses propres indicateurs (clé « catalogue »)
        #[arg(long = "config", value_name = "FICHIER")]
        config: Option<PathBuf>,
    },
    /// Écrit les schémas de données (Table Schema) des tables lues et des fichiers CSV produits
    #[command(
        help_template = TEMPLATE,
        next_help_heading = "Options",
        override_usage = "bilan schemas <DOSSIER> [--remplacer]"
    )]
    Schemas(NewFilesArgs),
    /// Écrit les modèles de tableur (XLSX) des tables à tenir à la main : journal, effectifs, budget…
    #[command(
        help_template = TEMPLATE,
        next_help_heading = "Options",
        override_usage = "bilan modeles <DOSSIER> [--remplacer]"
    )]
    Modeles(NewFilesArgs),
}

/// Where a command that drafts files writes them, never over a file without consent.
#[derive(Args)]
pub struct NewFilesArgs {
    /// Dossier où écrire les fichiers (créé au besoin)
    #[arg(value_name = "DOSSIER")]
    pub folder: PathBuf,
    /// Remplace les fichiers du même nom déjà présents dans le dossier
    #[arg(long = "remplacer")]
    pub replace: bool,
}

#[derive(Args)]
pub struct InitArgs {
    /// Dossier des exports du site (fichiers CSV, XLSX, XLS, ODS)
    #[arg(value_name = "DOSSIER")]
    pub folder: PathBuf,
    /// Dossier où écrire bilan.toml et profil.toml (par défaut : le dossier des exports)
    #[arg(long = "sortie", value_name = "DOSSIER")]
    pub output: Option<PathBuf>,
    /// Remplace bilan.toml et profil.toml s'ils existent déjà
    #[arg(long = "remplacer")]
    pub replace: bool,
}

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Args)]
pub struct ConsolidateArgs {
    /// Dossiers de résultats de « bilan rapport » (audience interne), un par site
    #[arg(value_name = "DOSSIER", required = true)]
    pub folders: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Where the files go and for whom, common to the commands that write a set of results.
#[derive(Args)]
pub struct OutputArgs {
    /// Dossier où écrire les résultats (créé au besoin)
    #[arg(long = "sortie", value_name = "DOSSIER")]
    pub output: PathBuf,
    /// Destinataires : « interne » (par défaut ; la coordination, avec le détail des identifiants)
    /// ou « diffusion » (évaluateurs et instances : sans identifiant, petits effectifs masqués)
    #[arg(
        long = "audience",
        value_enum,
        default_value_t = AudienceArg::Interne,
        value_name = "AUDIENCE",
        hide_possible_values = true,
        hide_default_value = true
    )]
    pub audience: AudienceArg,
    /// Produit aussi le rapport en PDF (rapport.pdf)
    #[arg(long = "pdf")]
    pub pdf: bool,
}

#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Présentation des constats : « texte » (par défaut, pour l'écran) ou « csv » (pour un tableur)
    #[arg(
        long = "format",
        value_enum,
        default_value_t = CheckFormat::Texte,
        value_name = "FORMAT",
        hide_possible_values = true,
        hide_default_value = true
    )]
    pub format: CheckFormat,
    /// Fichier où écrire les constats (par défaut : à l'écran)
    #[arg(long = "sortie", value_name = "FICHIER")]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
pub enum CheckFormat {
    /// Un résumé lisible, puis chaque constat
    Texte,
    /// Une ligne par constat, séparateur « ; », pour un tableur
    Csv,
}

/// The site and the period, common to the commands that read a site's data.
#[derive(Args)]
pub struct SiteArgs {
    /// Fichier de configuration du site (bilan.toml)
    #[arg(long = "config", value_name = "FICHIER")]
    pub config: PathBuf,
    /// Année civile à évaluer (du 1er janvier au 31 décembre)
    #[arg(long = "annee", value_name = "AAAA", required_unless_present_all = ["start", "end"], conflicts_with_all = ["start", "end"], value_parser = parse_year)]
    pub year: Option<i32>,
    /// Premier jour d'une autre période (JJ/MM/AAAA ou AAAA-MM-JJ), avec --fin
    #[arg(long = "debut", value_name = "DATE", requires = "end", value_parser = parse_date)]
    pub start: Option<chrono::NaiveDate>,
    /// Dernier jour de la période (JJ/MM/AAAA ou AAAA-MM-JJ), avec --debut
    #[arg(long = "fin", value_name = "DATE", requires = "start", value_parser = parse_date)]
    pub end: Option<chrono::NaiveDate>,
}

impl SiteArgs {
    pub fn period(&self) -> anyhow::Result<crate::period::Period> {
        use crate::period::Period;
        match (self.year, self.start, self.end) {
            (Some(year), _, _) => {
                Period::year(year).ok_or_else(|| anyhow::anyhow!("Année « {year} » invalide."))
            }
            (None, Some(start), Some(end)) if start <= end => Ok(Period { start, end }),
            (None, Some(start), Some(end)) => Err(anyhow::anyhow!(
                "La période est vide : le début ({}) est après la fin ({}).",
                start.format("%d/%m/%Y"),
                end.format("%d/%m/%Y")
            )),
            _ => Err(anyhow::anyhow!("Indiquez --annee, ou --debut et --fin.")),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, ValueEnum)]
pub enum AudienceArg {
    /// Coordination du site : tous les tableaux et le détail des identifiants
    Interne,
    /// Évaluateurs et instances : sans identifiant, petits effectifs masqués
    Diffusion,
}

impl From<AudienceArg> for Audience {
    fn from(arg: AudienceArg) -> Audience {
        match arg {
            AudienceArg::Interne => Audience::Interne,
            AudienceArg::Diffusion => Audience::Diffusion,
        }
    }
}

fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    use chrono::Datelike;
    let date = crate::period::parse_date(text)?;
    let years = crate::period::SUPPORTED_YEARS;
    if years.contains(&date.year()) {
        Ok(date)
    } else {
        Err(format!(
            "date hors des années traitées ({} à {})",
            years.start(),
            years.end()
        ))
    }
}

fn parse_year(text: &str) -> Result<i32, String> {
    let years = crate::period::SUPPORTED_YEARS;
    match text.trim().parse::<i32>() {
        Ok(year) if years.contains(&year) => Ok(year),
        Ok(_) => Err(format!(
            "année hors de celles traitées ({} à {})",
            years.start(),
            years.end()
        )),
        Err(_) => Err("une année sur quatre chiffres est attendue, par exemple 2025".into()),
    }
}

/// clap writes its usage errors in English; this says them in French.
pub fn french_error(error: &clap::Error) -> String {
    let context = |kind| error.get(kind).map(|v| v.to_string()).unwrap_or_default();
    let argument = context(ContextKind::InvalidArg);
    let value = context(ContextKind::InvalidValue);
    let message = match error.kind() {
        ErrorKind::InvalidValue => {
            let valid = context(ContextKind::ValidValue);
            if value.is_empty() {
                format!("L'option {argument} attend une valeur.")
            } else if valid.is_empty() {
                format!("Valeur « {value} » invalide pour {argument}.")
            } else {
                format!(
                    "Valeur « {value} » invalide pour {argument} (valeurs possibles : {valid})."
                )
            }
        }
        ErrorKind::ValueValidation => {
            let reason = error.source().map(|s| s.to_string()).unwrap_or_default();
            format!("Valeur « {value} » invalide pour {argument} : {reason}.")
        }
        ErrorKind::UnknownArgument => format!("Option inconnue : « {argument} »."),
        ErrorKind::InvalidSubcommand => {
            format!(
                "Commande inconnue : « {} » (commandes : rapport, verifier, consolider, exemple, indicateurs, init, schemas, modeles).",
                context(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::MissingRequiredArgument => {
            format!("Option obligatoire manquante : {argument}.")
        }
        ErrorKind::ArgumentConflict => {
            format!(
                "L'option {argument} ne peut pas être utilisée avec {}.",
                context(ContextKind::PriorArg)
            )
        }
        ErrorKind::TooManyValues => {
            format!("L'option {argument} est donnée plusieurs fois ou avec trop de valeurs.")
        }
        _ => "Commande incomplète ou mal formée.".to_string(),
    };
    format!("Erreur : {message}\nPour l'aide : bilan --help")
}

/// The arguments, or the exit code when there is nothing to run: the help asked for (0),
/// or a command written wrong, said in French (2).
pub fn parse() -> Result<Cli, std::process::ExitCode> {
    use std::process::ExitCode;
    let cli = Cli::try_parse().map_err(|e| match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(2)
        }
        _ => {
            let _ = writeln!(std::io::stderr(), "{}", french_error(&e));
            ExitCode::from(2)
        }
    })?;
    // A period that ends before it starts is a command written wrong, like any other.
    let site = match &cli.command {
        Command::Rapport(args) => Some(&args.site),
        Command::Verifier(args) => Some(&args.site),
        _ => None,
    };
    if let Some(site) = site
        && let Err(e) = site.period()
    {
        let _ = writeln!(
            std::io::stderr(),
            "Erreur : {e}\nPour l'aide : bilan --help"
        );
        return Err(ExitCode::from(2));
    }
    Ok(cli)
}
