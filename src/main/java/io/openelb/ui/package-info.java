/**
 * The management UI the controller serves under {@code /ui/}: sign-in with a Kubernetes bearer token, pools as
 * address maps, Eip create/edit/disable/delete with server-side dry run, Services moved between pools, live
 * updates. Every read and write on the API server is made with the signed-in user's own token
 * ({@link io.openelb.ui.UserClients}), never with the controller's ServiceAccount: the user's RBAC decides.
 * The JSON API is documented in {@code docs/ui.md}.
 */
package io.openelb.ui;
