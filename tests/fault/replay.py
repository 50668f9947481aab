#!/usr/bin/python3
"""Ranking facts at a steady rate, for the fault test (tests/fault/toxiproxy.sh).

Writes RATE facts a second for SECONDS seconds to stdout as "KEY<TAB>EVENT" lines (kcat -P -K '\t'),
structured-mode JSON CloudEvents from platform SOURCE, the same shape as tests/e2e/lib.sh's
ranking_facts: month after month from 2021-01 + FIRST_MONTH, every indicator given, the cities
(ranks a permutation of 1..cities) then the counties (1..counties). Each scenario of the test gives
its own source and months, so its facts, alerts and cache entries are its own.
Prints the number written and the months used to stderr when done.
"""
import argparse
import sys
import time


def facts(args):
    indicators = args.indicators.split()
    cities = args.cities.split()
    counties = args.counties.split()
    made = 0
    month = args.first_month
    while True:
        period = "%04d-%02d" % (2021 + month // 12, month % 12 + 1)
        for i, ind in enumerate(indicators, start=1):
            for scope, regions, step in (("SCOPE_CITY", cities, 1), ("SCOPE_COUNTY", counties, 7)):
                n = len(regions)
                for c, region in enumerate(regions, start=1):
                    rank = (c * step + i + month) % n + 1
                    event = (
                        '{"specversion":"1.0","id":"%s-%d","source":"/platform/%s",'
                        '"type":"yingshang.ranking.v1.RankingFact","data":{"evaluation":"EVALUATION_OFFICIAL",'
                        '"indicatorCode":"%s","scope":"%s","regionCode":"%s","period":"%s","rank":%d,'
                        '"total":%d,"revision":"1"}}'
                        % (args.source, made, args.source, ind, scope, region, period, rank, n))
                    yield "%s/%s/%s\t%s\n" % (ind, region, period, event), month
                    made += 1
        month += 1


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--source", required=True)
    p.add_argument("--first-month", type=int, default=0)
    p.add_argument("--rate", type=float, required=True, help="facts a second")
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--indicators", required=True)
    p.add_argument("--cities", required=True)
    p.add_argument("--counties", required=True)
    args = p.parse_args()
    total = int(args.rate * args.seconds)
    gen = facts(args)
    out = sys.stdout
    start = time.monotonic()
    written = 0
    last_month = args.first_month
    while written < total:
        due = min(total, int(args.rate * (time.monotonic() - start)) + 1)
        while written < due:
            line, last_month = next(gen)
            out.write(line)
            written += 1
        out.flush()
        time.sleep(0.05)
    out.flush()
    print("replay: %d facts from /platform/%s, months %d..%d" % (written, args.source, args.first_month, last_month),
          file=sys.stderr)


if __name__ == "__main__":
    main()
