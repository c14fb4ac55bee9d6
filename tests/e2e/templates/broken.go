package work

// A compile error on purpose: the end-to-end tests look for this text.
var brokenOnPurpose int = "e2e: this string is not an int"
