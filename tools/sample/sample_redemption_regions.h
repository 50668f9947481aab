#pragma once

// The regions ys-sample-redemptions spreads its SAMPLE redemptions over: every region a redemption may
// carry (services/indicator/redemption.h, CheckRedemptionRegion) — 上饶市's 12 counties, its three
// functional zones under the office's local codes (data/catalog/units.yaml) and 3611 for 市本级 — and
// the county of another city its --bad-region events name on purpose. A test holds them to the rule.
namespace ys::sample {

inline constexpr const char* kRedemptionRegions[] = {
    "361102", "361103", "361104", "361123", "361124", "361125", "361126", "361127",  // counties
    "361128", "361129", "361130", "361181",                                          //
    "3611Z1", "3611Z2", "3611Z3",                                                    // functional zones
    "3611"};                                                                         // 市本级

// 南昌市东湖区: refused (region_outside_shangrao), for the dead-letter topic.
inline constexpr char kForeignCounty[] = "360102";

}  // namespace ys::sample
