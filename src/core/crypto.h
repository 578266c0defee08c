// Thin wrappers over libsodium: the only place civicgrid touches cryptographic primitives.
#pragma once

#include <string>
#include <string_view>

namespace civicgrid::crypto {

// Must run once before any other call (idempotent, thread-safe). Returns false if libsodium fails.
bool init();

// `bytes` random bytes as lowercase hex.
std::string random_hex(size_t bytes);

// BLAKE2b-256 of the data, lowercase hex (64 characters).
std::string blake2b_hex(std::string_view data);

// argon2id with libsodium's interactive limits; returns the encoded hash string (salt included).
std::string hash_password(std::string_view password);
bool verify_password(std::string_view encoded_hash, std::string_view password);

// Constant-time comparison of two equal-length strings.
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace civicgrid::crypto
