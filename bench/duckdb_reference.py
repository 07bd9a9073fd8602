"""The yardstick of bench/run: a few core figures of a site's year computed by DuckDB
from the same CSV files as `bilan rapport` (Python start-up included in the timing).

    python3 bench/duckdb_reference.py DOSSIER 2025 PLACES

File active, occupancy rate, entries, home visits per person and per week: the
definitions of indicators/A-activite.toml and C-accompagnement.toml.
"""

import sys
import time

import duckdb

start = time.perf_counter()
folder, year, places = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
d, f = f"{year}-01-01", f"{year}-12-31"
con = duckdb.connect()
con.execute(
    f"""create table acc as select * from read_csv('{folder}/accompagnements.csv',
        header = true, delim = ',', all_varchar = true)"""
)
con.execute(
    f"""create table itv as select * from read_csv('{folder}/interventions.csv',
        header = true, delim = ',', all_varchar = true, quote = '"')"""
)
# Typed once, as bilan types every cell (ISO dates in these two files).
con.execute(
    """create table a as select id_personne, cast(nullif(date_entree, '') as date) e,
        cast(nullif(date_sortie, '') as date) s from acc"""
)
con.execute(
    """create table i as select id_personne, cast(nullif("date", '') as date) d, "type" t
        from itv"""
)
file_active, days, entries = con.execute(
    f"""select
        count(distinct id_personne) filter (where e <= date '{f}' and (s is null or s >= date '{d}')),
        sum(greatest(least(coalesce(s, date '{f}' + 1), date '{f}' + 1) - greatest(e, date '{d}'), 0)),
        count(*) filter (where e between date '{d}' and date '{f}')
        from a"""
).fetchone()
visits = con.execute(
    f"""select count(*) from i where t = 'visite_domicile'
        and d between date '{d}' and date '{f}'"""
).fetchone()[0]
period_days = (
    con.execute(f"select date '{f}' - date '{d}' + 1").fetchone()[0]
)
rows = con.execute("select (select count(*) from acc) + (select count(*) from itv)").fetchone()[0]
print(f"file_active={file_active}")
print(f"taux_occupation={100 * days / (places * period_days):.1f}")
print(f"entrees={entries}")
print(f"vad_par_semaine={visits / (days / 7):.2f}")
print(f"lignes={rows}")
print(f"duckdb_interne_s={time.perf_counter() - start:.3f}")
