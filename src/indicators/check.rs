//! The catalogue checked when it is loaded, before any data is read: every table,
//! column, filter, value, person column, code, bucket, named population, key figure and
//! chart resolved, so that a mistake surfaces on the first run of any site, named with
//! its file, its indicator and the closest known name.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use polars::prelude::*;

use super::catalogue::{
    Aggregate, Block, Catalogue, ChartKind, Condition, Expression, Indicator, Measure, PLACES_LINE,
    PersonColumn, Population, applies, placeholders,
};
use super::expr::{PARAMETERS, Scope, parameter};
use super::views::{Base, Views};
use crate::config::{Places, Programme};
use crate::format;
use crate::ingest::Dataset;
use crate::model::{self, ProgrammeKind, Table};
use crate::period::Period;

/// How deep named populations may use one another before it must be a loop.
const POPULATION_DEPTH: usize = 8;

/// The closest of `known` to `name`, as « (le plus proche : « x ») ».
fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    known
        .into_iter()
        .map(|k| (strsim::normalized_levenshtein(name, k), k))
        .filter(|(score, _)| *score >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!(" (le plus proche : « {k} »)"))
        .unwrap_or_default()
}

/// The named populations a condition uses, by name.
fn populations_used<'c>(condition: &'c Condition, out: &mut BTreeSet<&'c str>) {
    match condition {
        Condition::Population(name, _) => {
            out.insert(name);
        }
        Condition::Not(c) => populations_used(c, out),
        Condition::Any(cs) | Condition::All(cs) => {
            cs.iter().for_each(|c| populations_used(c, out));
        }
        _ => {}
    }
}

/// Refuses populations that use one another in a loop, or one through another more than
/// [`POPULATION_DEPTH`] deep: expanded, a loop never ends (the stack overflows) and a
/// chain of thousands of populations nests as deep. The walk itself stops at that depth.
fn check_population_uses(populations: &[Population]) -> Result<()> {
    fn walk<'p>(
        p: &'p Population,
        populations: &'p [Population],
        path: &mut Vec<&'p str>,
    ) -> Result<()> {
        if let Some(start) = path.iter().position(|n| *n == p.name) {
            let mut cycle = path[start..].to_vec();
            cycle.push(&p.name);
            return Err(anyhow!(
                "Catalogue « {} » : des populations nommées s'utilisent l'une l'autre en boucle : {}.",
                p.source,
                cycle.join(" → ")
            ));
        }
        if path.len() == POPULATION_DEPTH {
            path.push(&p.name);
            return Err(anyhow!(
                "Catalogue « {} » : des populations nommées s'utilisent l'une l'autre sur plus de {POPULATION_DEPTH} niveaux : {}. Définissez la population avec ses filtres plutôt qu'en appelant d'autres populations.",
                p.source,
                path.join(" → ")
            ));
        }
        path.push(&p.name);
        let mut used = BTreeSet::new();
        p.filters
            .iter()
            .for_each(|f| populations_used(f, &mut used));
        for name in used {
            // An unknown name is refused, with the closest known, where it is expanded.
            if let Some(other) = populations.iter().find(|o| o.name == name) {
                walk(other, populations, path)?;
            }
        }
        path.pop();
        Ok(())
    }
    populations
        .iter()
        .try_for_each(|p| walk(p, populations, &mut Vec::new()))
}

/// Replaces every `name(…)` filter by the population's filters, its parameters given.
pub fn expand_populations(catalogue: &mut Catalogue, populations: &[Population]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for p in populations {
        if !seen.insert(p.name.as_str()) {
            return Err(anyhow!(
                "Catalogue « {} » : la population « {} » est déjà définie.",
                p.source,
                p.name
            ));
        }
    }
    check_population_uses(populations)?;
    let expand = |filters: &mut Vec<Condition>, source: &str, owner: &str| -> Result<()> {
        for _ in 0..POPULATION_DEPTH {
            let mut error = None;
            let mut changed = false;
            for filter in filters.iter_mut() {
                filter.visit_mut(&mut |c| {
                    let Condition::Population(name, args) = c else {
                        return;
                    };
                    let Some(p) = populations.iter().find(|p| p.name == *name) else {
                        error.get_or_insert(format!(
                            "population « {name} » inconnue{}",
                            closest(name, populations.iter().map(|p| p.name.as_str()))
                        ));
                        return;
                    };
                    if args.len() != p.parameters.len() {
                        error.get_or_insert(format!(
                            "la population « {name} » prend {} ({}), {} donné{}",
                            crate::format::count(
                                p.parameters.len() as u64,
                                "paramètre",
                                "paramètres"
                            ),
                            p.parameters.join(", "),
                            args.len(),
                            if args.len() > 1 { "s" } else { "" }
                        ));
                        return;
                    }
                    let values: BTreeMap<String, Expression> =
                        p.parameters.iter().cloned().zip(args.clone()).collect();
                    *c = Condition::All(p.filters.iter().map(|f| f.substitute(&values)).collect());
                    changed = true;
                });
            }
            if let Some(e) = error {
                return Err(anyhow!("Catalogue « {source} », {owner} : {e}."));
            }
            if !changed {
                return Ok(());
            }
        }
        Err(anyhow!(
            "Catalogue « {source} », {owner} : des populations nommées s'utilisent l'une l'autre en boucle."
        ))
    };
    for group in &mut catalogue.groups {
        for indicator in &mut group.indicators {
            let owner = format!("indicateur « {} »", indicator.id);
            let source = indicator.source.clone();
            let mut result = Ok(());
            for block in &mut indicator.computation {
                block.filters_mut(&mut |filters| {
                    if result.is_ok() {
                        result = expand(filters, &source, &owner);
                    }
                });
            }
            result?;
        }
    }
    for column in &mut catalogue.person_columns {
        let owner = format!("colonne de personne « {} »", column.name);
        expand(&mut column.filters, &column.source.clone(), &owner)?;
    }
    Ok(())
}

/// The columns each table offers the catalogue, person columns included.
struct Schemas {
    tables: BTreeMap<Table, Schema>,
    person_columns: BTreeMap<String, DataType>,
}

/// A programme and a period to build views on no data: only their columns matter.
fn placeholder() -> Result<(Programme, Period)> {
    let programme = Programme {
        id: String::new(),
        name: String::new(),
        kind: ProgrammeKind::Ucsd,
        // A history, so that the blocks kept for one are checked too.
        places: Places::History(vec![(NaiveDate::default(), 1)]),
        opening: NaiveDate::default(),
        visit_target: None,
        profile: None,
        sources: BTreeMap::new(),
    };
    let period = Period::year(2000).ok_or_else(|| anyhow!("période de contrôle invalide"))?;
    Ok((programme, period))
}

impl Schemas {
    fn build(catalogue: &Catalogue, programme: &Programme, period: Period) -> Result<Schemas> {
        let dataset = Dataset::default();
        let base = Base::build(&dataset)?;
        let views = Views::build(&base, programme, &[], period)?;
        let mut tables = BTreeMap::new();
        for table in Table::ALL {
            let schema = views.full_view(table)?.collect_schema()?;
            tables.insert(table, (*schema).clone());
        }
        let mut schemas = Schemas {
            tables,
            person_columns: BTreeMap::new(),
        };
        for column in person_columns_in_order(catalogue)? {
            let dtype = match (
                column.aggregate,
                column.value.as_ref().and_then(|v| v.column()),
            ) {
                (Aggregate::First | Aggregate::Last, Some(kept)) => schemas
                    .of(column.from)
                    .get(kept)
                    .cloned()
                    .unwrap_or(DataType::Null),
                _ => DataType::Float64,
            };
            schemas.person_columns.insert(column.name.clone(), dtype);
        }
        Ok(schemas)
    }

    /// The table's columns, with the person columns on every table about persons.
    fn of(&self, table: Table) -> Schema {
        let mut schema = self.tables[&table].clone();
        if table == Table::Personnes || table.spec().column("id_personne").is_some() {
            for (name, dtype) in &self.person_columns {
                schema.with_column(name.as_str().into(), dtype.clone());
            }
        }
        schema
    }
}

/// Person columns in an order where each comes after those it uses; a loop is refused.
fn person_columns_in_order(catalogue: &Catalogue) -> Result<Vec<&PersonColumn>> {
    let columns = &catalogue.person_columns;
    let mut names = BTreeSet::new();
    for c in columns {
        if !names.insert(c.name.as_str()) {
            return Err(anyhow!(
                "Catalogue « {} » : la colonne de personne « {} » est déjà définie.",
                c.source,
                c.name
            ));
        }
    }
    let uses = |c: &PersonColumn| {
        let mut used = BTreeSet::new();
        c.filters.iter().for_each(|f| f.names(&mut used));
        if let Some(v) = &c.value {
            v.names(&mut used);
        }
        used.extend(c.order.clone());
        used.retain(|n| names.contains(n.as_str()));
        used
    };
    let mut ordered: Vec<&PersonColumn> = Vec::new();
    fn visit<'c>(
        c: &'c PersonColumn,
        columns: &'c [PersonColumn],
        uses: &dyn Fn(&PersonColumn) -> BTreeSet<String>,
        path: &mut Vec<&'c str>,
        ordered: &mut Vec<&'c PersonColumn>,
    ) -> Result<()> {
        if ordered.iter().any(|o| o.name == c.name) {
            return Ok(());
        }
        if let Some(start) = path.iter().position(|p| *p == c.name) {
            let mut cycle = path[start..].to_vec();
            cycle.push(&c.name);
            return Err(anyhow!(
                "Catalogue « {} » : colonnes de personne qui se calculent l'une par l'autre en boucle : {}.",
                c.source,
                cycle.join(" → ")
            ));
        }
        path.push(&c.name);
        for used in uses(c) {
            if let Some(other) = columns.iter().find(|o| o.name == used) {
                visit(other, columns, uses, path, ordered)?;
            }
        }
        path.pop();
        ordered.push(c);
        Ok(())
    }
    for c in columns {
        visit(c, columns, &uses, &mut Vec::new(), &mut ordered)?;
    }
    Ok(ordered)
}

/// Where a mistake was found, to name it in the message.
struct Place<'a> {
    source: &'a str,
    owner: String,
}

impl Place<'_> {
    fn error(&self, message: impl std::fmt::Display) -> anyhow::Error {
        anyhow!("Catalogue « {} », {} : {message}.", self.source, self.owner)
    }
}

struct Checker<'a> {
    schemas: Schemas,
    catalogue: &'a Catalogue,
    programme: Programme,
    period: Period,
}

impl Checker<'_> {
    fn scope<'s>(&'s self, schema: &'s Schema, table: Option<Table>) -> Scope<'s> {
        Scope {
            schema,
            period: self.period,
            programme: &self.programme,
            interval: table.and_then(|t| t.spec().interval.as_ref()),
        }
    }

    /// Every name known in the table, or a message naming the unknown one.
    fn names(
        &self,
        place: &Place,
        schema: &Schema,
        table: Option<Table>,
        names: &BTreeSet<String>,
    ) -> Result<()> {
        for name in names {
            if parameter(name).is_some() || schema.contains(name) {
                continue;
            }
            let known = schema
                .iter_names()
                .map(|n| n.as_str())
                .chain(PARAMETERS.iter().map(|p| p.name))
                .filter(|n| !n.starts_with('_'));
            let table = match table {
                Some(t) => format!(" dans la table {t}"),
                None => {
                    let names: Vec<&str> = PARAMETERS.iter().map(|p| p.name).collect();
                    format!(" (une constante n'utilise que {})", format::list(&names))
                }
            };
            return Err(place.error(format!(
                "nom « {name} » inconnu{table}{}",
                closest(name, known)
            )));
        }
        Ok(())
    }

    fn expression(&self, place: &Place, table: Option<Table>, e: &Expression) -> Result<()> {
        let schema = table.map(|t| self.schemas.of(t)).unwrap_or_default();
        let mut names = BTreeSet::new();
        e.names(&mut names);
        self.names(place, &schema, table, &names)?;
        e.compile(&self.scope(&schema, table))
            .map(|_| ())
            .map_err(|m| place.error(m))
    }

    fn filters(&self, place: &Place, table: Table, filters: &[Condition]) -> Result<()> {
        let schema = self.schemas.of(table);
        for filter in filters {
            let mut names = BTreeSet::new();
            filter.names(&mut names);
            self.names(place, &schema, Some(table), &names)?;
            filter
                .compile(&self.scope(&schema, Some(table)))
                .map(|_| ())
                .map_err(|m| place.error(format!("filtre sur « {} » : {m}", describe(filter))))?;
            self.codes(place, table, filter)?;
        }
        Ok(())
    }

    /// The codes a filter compares a column with are codes of that column's list.
    fn codes(&self, place: &Place, table: Table, filter: &Condition) -> Result<()> {
        match filter {
            Condition::Equal(left, codes) => {
                let Some(column) = left.column() else {
                    return Ok(());
                };
                if let Some(list) = self.code_list(table, column) {
                    for code in codes {
                        if list.label(code).is_none() {
                            return Err(place.error(format!(
                                "code « {code} » absent de la liste de la colonne « {column} »{}",
                                closest(code, list.codes.iter().map(|c| c.code))
                            )));
                        }
                    }
                }
                Ok(())
            }
            Condition::Not(c) => self.codes(place, table, c),
            Condition::Any(cs) | Condition::All(cs) => {
                cs.iter().try_for_each(|c| self.codes(place, table, c))
            }
            _ => Ok(()),
        }
    }

    /// The code list of a column, a person column keeping a code column included.
    fn code_list(&self, table: Table, column: &str) -> Option<&'static model::CodeList> {
        model::code_list_of(table, column).or_else(|| {
            let c = self
                .catalogue
                .person_columns
                .iter()
                .find(|c| c.name == column)?;
            model::code_list_of(c.from, c.value.as_ref()?.column()?)
        })
    }

    fn column(&self, place: &Place, table: Table, column: &str) -> Result<()> {
        let names = BTreeSet::from([column.to_string()]);
        self.names(place, &self.schemas.of(table), Some(table), &names)
    }

    fn measure(&self, place: &Place, measure: &Measure) -> Result<()> {
        match measure {
            Measure::Constant(c) => self.expression(place, None, &c.value),
            Measure::Sum(s) => {
                self.filters(place, s.table, &s.filters)?;
                self.expression(place, Some(s.table), &s.sum)
            }
            Measure::Mean(m) => {
                self.filters(place, m.table, &m.filters)?;
                self.expression(place, Some(m.table), &m.mean)
            }
            Measure::Count(c) => {
                self.filters(place, c.table, &c.filters)?;
                c.distinct
                    .iter()
                    .try_for_each(|d| self.column(place, c.table, d))
            }
        }
    }

    fn block(
        &self,
        place: &Place,
        indicator: &Indicator,
        block: &Block,
        inside_monthly: bool,
    ) -> Result<()> {
        if let Some(kind) = block
            .programmes()
            .iter()
            .find(|k| !applies(&indicator.programmes, **k))
        {
            return Err(place.error(format!(
                "un bloc est réservé au type de dispositif « {kind} », auquel l'indicateur ne s'applique pas"
            )));
        }
        // A factor NaN, infinite or zero would publish NaN, inf or a rate always 0.
        if let Block::Rate { factor, .. } | Block::Breakdown { factor, .. } = block
            && !(factor.is_finite() && *factor != 0.0)
        {
            return Err(place.error(format!(
                "« factor » vaut {factor} : il doit être un nombre fini et non nul (100 pour un pourcentage)"
            )));
        }
        match block {
            Block::Value { measure, .. } => self.measure(place, measure),
            Block::Rate {
                numerator,
                denominator,
                ..
            } => {
                self.measure(place, numerator)?;
                self.measure(place, denominator)
            }
            Block::Breakdown {
                table,
                filters,
                column,
                codes,
                distinct,
                sum,
                denominator,
                only,
                ..
            } => {
                self.filters(place, *table, filters)?;
                self.column(place, *table, column)?;
                let coded = codes.as_deref().unwrap_or(column);
                let list = self.code_list(*table, coded).ok_or_else(|| {
                    place.error(format!(
                        "la colonne « {coded} » n'a pas de liste de codes : une répartition se fait selon une colonne codée (ou indiquez « codes »)"
                    ))
                })?;
                for code in only {
                    if list.label(code).is_none() {
                        return Err(place.error(format!(
                            "code « {code} » de « only » absent de la liste de « {coded} »{}",
                            closest(code, list.codes.iter().map(|c| c.code))
                        )));
                    }
                }
                distinct
                    .iter()
                    .try_for_each(|d| self.column(place, *table, d))?;
                if denominator.is_some() && sum.is_none() {
                    return Err(place.error("« denominator » ne va qu'avec « sum »"));
                }
                sum.iter()
                    .chain(denominator)
                    .try_for_each(|e| self.expression(place, Some(*table), e))
            }
            Block::Distribution {
                table,
                filters,
                value,
                buckets,
                ..
            } => {
                self.filters(place, *table, filters)?;
                self.expression(place, Some(*table), value)?;
                let mut labels = BTreeSet::new();
                for b in buckets {
                    if !labels.insert(b.label.as_str()) {
                        return Err(place.error(format!("tranche « {} » en double", b.label)));
                    }
                    if let (Some(from), Some(to)) = (b.from, b.to)
                        && from >= to
                    {
                        return Err(place.error(format!(
                            "tranche « {} » : la borne basse ({from}) n'est pas sous la borne haute ({to})",
                            b.label
                        )));
                    }
                }
                for pair in buckets.windows(2) {
                    if pair[0].to.is_none() || pair[0].to != pair[1].from {
                        return Err(place.error(format!(
                            "les tranches « {} » et « {} » ne se suivent pas (la borne haute de l'une est la borne basse de la suivante)",
                            pair[0].label, pair[1].label
                        )));
                    }
                }
                Ok(())
            }
            Block::Monthly { blocks, .. } if inside_monthly => {
                let _ = blocks;
                Err(place.error("un bloc « monthly » ne peut pas en contenir un autre"))
            }
            Block::Monthly { blocks, .. } => blocks
                .iter()
                .try_for_each(|b| self.block(place, indicator, b, true)),
            Block::Completeness { .. } | Block::Findings { .. } => Ok(()),
        }
    }

    fn person_column(&self, column: &PersonColumn) -> Result<()> {
        let place = Place {
            source: &column.source,
            owner: format!("colonne de personne « {} »", column.name),
        };
        if column.from.spec().column("id_personne").is_none() {
            return Err(place.error(format!(
                "la table {} n'a pas de colonne id_personne",
                column.from
            )));
        }
        self.filters(&place, column.from, &column.filters)?;
        match (column.aggregate, &column.value) {
            (Aggregate::Count, None) => Ok(()),
            (Aggregate::Count, Some(_)) => Err(place.error("« count » ne prend pas de « value »")),
            (Aggregate::First | Aggregate::Last, Some(value)) => {
                let kept = value.column().ok_or_else(|| {
                    place.error("« first » et « last » gardent une colonne telle quelle : « value » est un nom de colonne")
                })?;
                self.column(&place, column.from, kept)?;
                let order = column.order.as_deref().ok_or_else(|| {
                    place.error("« first » et « last » demandent « order », la colonne qui ordonne les lignes")
                })?;
                self.column(&place, column.from, order)
            }
            (_, Some(value)) => self.expression(&place, Some(column.from), value),
            (_, None) => Err(place.error("« value » manquant")),
        }
    }

    /// The modalités an indicator names itself (value and rate blocks, prefixes), which
    /// its labels, key figures and charts may refer to.
    fn named_modalities(indicator: &Indicator) -> BTreeSet<String> {
        fn walk(blocks: &[Block], out: &mut BTreeSet<String>) {
            for b in blocks {
                match b {
                    Block::Value { modality, .. } | Block::Rate { modality, .. } => {
                        out.insert(modality.clone());
                    }
                    Block::Breakdown {
                        prefix,
                        table,
                        column,
                        codes,
                        ..
                    } => {
                        out.extend(prefix.clone());
                        out.insert("total".to_string());
                        // A key figure may name one code of a breakdown without a
                        // prefix: « oui » of the child-welfare history.
                        if prefix.is_none() {
                            let list = crate::model::code_list_of(
                                *table,
                                codes.as_deref().unwrap_or(column),
                            );
                            out.extend(
                                list.iter()
                                    .flat_map(|l| l.codes)
                                    .map(|c| c.code.to_string()),
                            );
                        }
                    }
                    Block::Distribution { prefix, .. } => {
                        out.extend(prefix.clone());
                        out.insert("total".to_string());
                    }
                    Block::Monthly { blocks, .. } => walk(blocks, out),
                    Block::Completeness { .. } | Block::Findings { .. } => {}
                }
            }
        }
        let mut out = BTreeSet::new();
        walk(&indicator.computation, &mut out);
        out
    }

    fn indicator_ref(&self, place: &Place, id: &str) -> Result<&Indicator> {
        self.catalogue.lookup(id).map(|(_, i)| i).ok_or_else(|| {
            place.error(format!(
                "indicateur « {id} » inconnu{}",
                closest(id, self.catalogue.indicators().map(|(_, i)| i.id.as_str()))
            ))
        })
    }

    /// A figure named `INDICATEUR.MODALITE`.
    fn figure_ref(&self, place: &Place, reference: &str) -> Result<()> {
        let (id, modality) = reference.split_once('.').ok_or_else(|| {
            place.error(format!(
                "référence « {reference} » : « INDICATEUR.MODALITE » attendu"
            ))
        })?;
        let other = self.indicator_ref(place, id)?;
        if !Self::named_modalities(other).contains(modality) {
            return Err(place.error(format!(
                "référence « {reference} » : l'indicateur « {id} » ne publie pas de modalité « {modality} »"
            )));
        }
        Ok(())
    }

    fn layout(&self) -> Result<()> {
        for id in &self.catalogue.workbook_only {
            let place = Place {
                source: "workbook_only",
                owner: "tableau laissé au classeur".to_string(),
            };
            self.indicator_ref(&place, id)?;
        }
        for id in &self.catalogue.site_figures {
            let place = Place {
                source: "site_figures",
                owner: "chiffre de la page du site".to_string(),
            };
            self.indicator_ref(&place, id)?;
        }
        for k in &self.catalogue.key_figures {
            let place = Place {
                source: &k.source,
                owner: format!("chiffre clé « {} »", k.indicator),
            };
            let indicator = self.indicator_ref(&place, &k.indicator)?;
            let named = Self::named_modalities(indicator);
            if !named.contains(&k.modality) {
                return Err(place.error(format!(
                    "l'indicateur ne publie pas de modalité « {} »{}",
                    k.modality,
                    closest(&k.modality, named.iter().map(String::as_str))
                )));
            }
            if let Some(target) = &k.target {
                self.figure_ref(&place, target)?;
            }
        }
        for c in &self.catalogue.charts {
            let place = Place {
                source: &c.source,
                owner: format!("graphique « {} »", c.title),
            };
            let indicator = self.indicator_ref(&place, &c.indicator)?;
            if let Some(lecture) = &c.lecture {
                let allowed = c.lecture_words();
                if let Some(word) = placeholders(lecture)
                    .into_iter()
                    .find(|w| !allowed.contains(w))
                {
                    return Err(place.error(format!(
                        "« lecture » emploie « {{{word}}} », que ce graphique ne fournit pas ; mots permis : {}",
                        allowed.iter().map(|w| format!("{{{w}}}")).collect::<Vec<_>>().join(", ")
                    )));
                }
            }
            let has = |f: fn(&Block) -> bool| indicator.computation.iter().any(f);
            match c.kind {
                ChartKind::Monthly => {
                    if !has(|b| matches!(b, Block::Monthly { .. })) {
                        return Err(place
                            .error("l'indicateur n'a pas de série mensuelle (bloc « monthly »)"));
                    }
                    if let Some(reference) = &c.reference
                        && reference != PLACES_LINE
                    {
                        self.figure_ref(&place, reference)?;
                    }
                }
                ChartKind::Bars => {
                    if !has(|b| matches!(b, Block::Breakdown { .. } | Block::Distribution { .. })) {
                        return Err(place.error(
                            "un graphique « bars » dessine une répartition : l'indicateur n'en a pas",
                        ));
                    }
                }
                ChartKind::Periods => {
                    if c.compare.is_empty() || c.compare.len() != c.labels.len() {
                        return Err(place.error(
                            "« compare » (des indicateurs) et « labels » (un libellé par indicateur) vont ensemble",
                        ));
                    }
                    for id in &c.compare {
                        self.indicator_ref(&place, id)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A filter as the catalogue writer would recognise it in a message.
fn describe(filter: &Condition) -> String {
    let mut names = BTreeSet::new();
    filter.names(&mut names);
    names.into_iter().collect::<Vec<_>>().join(", ")
}

/// Every part of the catalogue checked; the first mistake is returned.
pub fn catalogue(catalogue: &Catalogue) -> Result<()> {
    let (programme, period) = placeholder()?;
    let checker = Checker {
        schemas: Schemas::build(catalogue, &programme, period)?,
        catalogue,
        programme,
        period,
    };
    for column in &catalogue.person_columns {
        checker.person_column(column)?;
    }
    for (_, indicator) in catalogue.indicators() {
        let place = Place {
            source: &indicator.source,
            owner: format!("indicateur « {} »", indicator.id),
        };
        for block in &indicator.computation {
            checker.block(&place, indicator, block, false)?;
        }
        let named = Checker::named_modalities(indicator);
        for key in indicator.labels.keys() {
            if !named.contains(key) {
                return Err(place.error(format!(
                    "libellé donné pour « {key} », que l'indicateur ne publie pas{}",
                    closest(key, named.iter().map(String::as_str))
                )));
            }
        }
    }
    checker.layout()
}

impl Catalogue {
    /// The built-in catalogue alone.
    pub fn builtin() -> Result<Catalogue> {
        Self::build(Self::builtin_files()?, Vec::new())
    }

    /// The built-in catalogue and the site's own indicators, from the folder its
    /// configuration names (`catalogue = "…"`).
    pub fn load(config: &crate::config::Config) -> Result<Catalogue> {
        let site = match &config.catalogue {
            Some(folder) => Self::site_files(&config.base_dir.join(folder))?,
            None => Vec::new(),
        };
        Self::build(Self::builtin_files()?, site)
    }

    /// The files read, their populations expanded, the whole checked.
    pub(super) fn build(
        builtin: Vec<(String, String)>,
        site: Vec<(String, String)>,
    ) -> Result<Catalogue> {
        let (mut catalogue, populations) = Self::parse(builtin, site)?;
        expand_populations(&mut catalogue, &populations)?;
        self::catalogue(&catalogue)?;
        Ok(catalogue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in catalogue with one site file `site/s.toml`: the error, if any.
    fn with_site_file(text: &str) -> Option<String> {
        let builtin = Catalogue::builtin_files().unwrap();
        Catalogue::build(builtin, vec![("site/s.toml".into(), text.into())])
            .err()
            .map(|e| e.to_string())
    }

    fn indicator(filters: &str) -> String {
        format!(
            "group = \"S\"\ntitle = \"Site\"\n[[indicator]]\nid = \"essai\"\nlabel = \"Essai\"\nunit = \"personnes\"\n\
             population = \"p\"\ndefinition = \"d\"\n[[indicator.computation]]\ntype = \"value\"\n\
             measure = {{ table = \"accompagnements\", filters = [{filters}] }}\n"
        )
    }

    #[test]
    fn a_correct_site_file_is_accepted() {
        assert_eq!(
            with_site_file(&indicator("\"actif\", \"motif_sortie = deces\"")),
            None
        );
    }

    #[test]
    fn an_unknown_column_is_named_with_the_closest() {
        let e = with_site_file(&indicator("\"fin_dans_period\"")).unwrap();
        assert!(e.contains("« site/s.toml »"), "{e}");
        assert!(e.contains("indicateur « essai »"), "{e}");
        assert!(
            e.contains("nom « fin_dans_period » inconnu dans la table accompagnements"),
            "{e}"
        );
        assert!(e.contains("le plus proche : « fin_dans_periode »"), "{e}");
    }

    /// A constant may use only the parameters, each of which the message names, in the
    /// order of `expr::PARAMETERS`; « place » is closest to « places ».
    #[test]
    fn an_unknown_parameter_is_named_with_the_parameters() {
        let site = "group = \"S\"\ntitle = \"Site\"\n[[indicator]]\nid = \"essai\"\nlabel = \"Essai\"\n\
                    unit = \"%\"\npopulation = \"p\"\ndefinition = \"d\"\n[[indicator.computation]]\n\
                    type = \"rate\"\nfactor = 100\n\
                    numerator = { table = \"accompagnements\", sum = \"jours\" }\n\
                    denominator = { value = \"place\" }\n";
        let e = with_site_file(site).unwrap();
        assert!(
            e.contains(
                "nom « place » inconnu (une constante n'utilise que d, f, places, capacity_days, \
                 period_days et visit_target)"
            ),
            "{e}"
        );
        assert!(e.contains("le plus proche : « places »"), "{e}");
    }

    #[test]
    fn a_code_outside_the_list_is_refused() {
        let e = with_site_file(&indicator("\"motif_sortie = decede\"")).unwrap();
        assert!(
            e.contains("code « decede » absent de la liste de la colonne « motif_sortie »"),
            "{e}"
        );
        assert!(e.contains("le plus proche : « deces »"), "{e}");
    }

    #[test]
    fn codes_in_arithmetic_are_refused() {
        let e = with_site_file(&indicator("\"motif_sortie >= 2\"")).unwrap();
        assert!(e.contains("contient des textes ou des codes"), "{e}");
    }

    /// Two populations that use each other, then a chain of 5,000 (`p0` uses `p1()`, …):
    /// refused in French, the loop and the first nine links named, instead of a stack
    /// overflow.
    #[test]
    fn populations_in_a_loop_or_too_deep_are_refused() {
        let population = |name: &str, uses: &str| {
            format!("[[population]]\nname = \"{name}\"\nfilters = [\"{uses}\"]\n")
        };
        // The site's keys (`group`, `title`) come first, the populations after.
        let site = format!(
            "{}{}{}",
            indicator("\"aa()\""),
            population("aa", "bb()"),
            population("bb", "aa()")
        );
        let e = with_site_file(&site).unwrap();
        assert!(e.contains("« site/s.toml »"), "{e}");
        assert!(e.contains("en boucle : aa → bb → aa"), "{e}");
        let mut site = indicator("\"p0()\"");
        site.extend((0..5000).map(|i| population(&format!("p{i}"), &format!("p{}()", i + 1))));
        site.push_str(&population("p5000", "actif"));
        let e = with_site_file(&site).unwrap();
        assert!(
            e.contains("sur plus de 8 niveaux : p0 → p1 → p2 → p3 → p4 → p5 → p6 → p7 → p8."),
            "{e}"
        );
    }

    /// `factor = nan` (TOML reads it as a float), then `inf`, on a rate of the site:
    /// refused when the catalogue is checked, the indicator named.
    #[test]
    fn a_factor_that_is_not_a_finite_number_is_refused() {
        for (factor, shown) in [("nan", "NaN"), ("inf", "inf"), ("0", "0")] {
            let site = format!(
                "group = \"S\"\ntitle = \"Site\"\n[[indicator]]\nid = \"essai\"\nlabel = \"Essai\"\nunit = \"%\"\n\
                 population = \"p\"\ndefinition = \"d\"\n[[indicator.computation]]\ntype = \"rate\"\nfactor = {factor}\n\
                 numerator = {{ table = \"accompagnements\", filters = [\"actif\"] }}\n\
                 denominator = {{ table = \"accompagnements\" }}\n"
            );
            let e = with_site_file(&site).unwrap();
            assert!(e.contains("indicateur « essai »"), "{e}");
            assert!(
                e.contains(&format!(
                    "« factor » vaut {shown} : il doit être un nombre fini et non nul"
                )),
                "{e}"
            );
        }
    }

    #[test]
    fn an_unknown_population_is_named() {
        let e = with_site_file(&indicator("\"cohorte_maintient(365)\"")).unwrap();
        assert!(
            e.contains("population « cohorte_maintient » inconnue"),
            "{e}"
        );
        assert!(e.contains("le plus proche : « cohorte_maintien »"), "{e}");
        let e = with_site_file(&indicator("\"cohorte_maintien(365, 2)\"")).unwrap();
        assert!(
            e.contains("prend 1\u{a0}paramètre (delai), 2 donnés"),
            "{e}"
        );
    }

    #[test]
    fn a_built_in_id_is_refused() {
        let e = with_site_file(&indicator("\"actif\"").replace("\"essai\"", "\"file_active\""))
            .unwrap();
        assert!(
            e.contains("l'indicateur « file_active » existe déjà dans le catalogue intégré"),
            "{e}"
        );
    }

    #[test]
    fn unknown_keys_are_refused_with_their_line() {
        let e = with_site_file(&format!("{}unite = \"x\"\n", indicator("\"actif\""))).unwrap();
        assert!(e.contains("clé inconnue « unite »"), "{e}");
    }

    #[test]
    fn a_measure_with_an_unknown_key_is_refused_in_french() {
        let e = with_site_file(&indicator("\"actif\"").replace("filters =", "filtres =")).unwrap();
        assert!(e.contains("mesure invalide"), "{e}");
        assert!(e.contains("« site/s.toml », ligne"), "{e}");
    }

    #[test]
    fn person_columns_in_a_loop_are_refused() {
        let e = with_site_file(
            "[[column]]\nname = \"a\"\nfrom = \"interventions\"\nfilters = [\"b >= 1\"]\naggregate = \"count\"\n\
             [[column]]\nname = \"b\"\nfrom = \"interventions\"\nfilters = [\"a >= 1\"]\naggregate = \"count\"\n",
        )
        .unwrap();
        assert!(e.contains("en boucle : a → b → a"), "{e}");
    }

    #[test]
    fn a_block_for_a_kind_the_indicator_skips_is_refused() {
        let text = indicator("\"actif\"").replace(
            "unit = \"personnes\"\n",
            "unit = \"personnes\"\nprogrammes = [\"village\"]\n",
        ) + "programmes = [\"ucsd\"]\n";
        let e = with_site_file(&text).unwrap();
        assert!(e.contains("réservé au type de dispositif « ucsd »"), "{e}");
    }

    #[test]
    fn layout_names_known_indicators() {
        let e = with_site_file("[[key_figure]]\nindicator = \"file_activ\"\n").unwrap();
        assert!(
            e.contains("indicateur « file_activ » inconnu (le plus proche : « file_active »)"),
            "{e}"
        );
        let e = with_site_file(
            "[[chart]]\nindicator = \"file_active\"\nkind = \"monthly\"\ntitle = \"t\"\n",
        )
        .unwrap();
        assert!(e.contains("pas de série mensuelle"), "{e}");
    }

    #[test]
    fn a_lecture_uses_only_the_words_of_its_chart() {
        // A bar chart reads one bar: it has no month, and no line to compare with.
        let e = with_site_file(
            "[[chart]]\nindicator = \"sorties\"\nkind = \"bars\"\ntitle = \"t\"\n\
             lecture = \"en {mois}, {part} des sorties\"\n",
        )
        .unwrap();
        assert!(
            e.contains("« lecture » emploie « {mois} », que ce graphique ne fournit pas ; mots permis : {periode}, {modalite}, {nombre}, {valeur}, {total}, {part}"),
            "{e}"
        );
        // A monthly chart without a reference line has no {reference}.
        let e = with_site_file(
            "[[chart]]\nindicator = \"entrees_par_mois\"\nkind = \"monthly\"\nseries = \"entrees\"\n\
             title = \"t\"\nlecture = \"{nombre} pour {reference} places\"\n",
        )
        .unwrap();
        assert!(e.contains("emploie « {reference} »"), "{e}");
    }

    #[test]
    fn buckets_must_follow_each_other() {
        let text = "group = \"S\"\ntitle = \"Site\"\n[[indicator]]\nid = \"essai\"\nlabel = \"Essai\"\nunit = \"personnes\"\n\
             population = \"p\"\ndefinition = \"d\"\n[[indicator.computation]]\ntype = \"distribution\"\n\
             table = \"personnes\"\nvalue = \"age\"\nvalue_unit = \"ans\"\n\
             buckets = [{ label = \"jeunes\", to = 25 }, { label = \"autres\", from = 30 }]\n";
        let e = with_site_file(text).unwrap();
        assert!(
            e.contains("« jeunes » et « autres » ne se suivent pas"),
            "{e}"
        );
    }
}
