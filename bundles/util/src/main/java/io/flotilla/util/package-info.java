/**
 * Helpers that only Flotilla's implementation bundles need. Not API and never exported: a bundle
 * that uses them embeds this package as a private copy ({@code -conditionalpackage} in its bnd
 * instructions), so changing them never changes what another bundle imports.
 */
package io.flotilla.util;
