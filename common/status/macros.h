#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// RETURN_IF_ERROR(expr): returns the status from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                         \
  do {                                                \
    ::absl::Status ys_status_ = (expr);               \
    if (!ys_status_.ok()) return ys_status_;          \
  } while (0)

#define YS_CONCAT_INNER_(a, b) a##b
#define YS_CONCAT_(a, b) YS_CONCAT_INNER_(a, b)

// ASSIGN_OR_RETURN(lhs, expr): evaluates a StatusOr<T>; on error returns its status, else assigns.
#define ASSIGN_OR_RETURN(lhs, expr) \
  YS_ASSIGN_OR_RETURN_IMPL_(YS_CONCAT_(ys_statusor_, __LINE__), lhs, expr)

#define YS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return std::move(tmp).status();  \
  lhs = std::move(tmp).value()
