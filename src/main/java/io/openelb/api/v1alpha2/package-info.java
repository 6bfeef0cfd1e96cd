/**
 * The wire form of the {@code network.kubesphere.io/v1alpha2} custom resources, field for field as
 * OpenELB v0.6 defines them, plus what OpenELB lacks (conditions, a password from a Secret).
 *
 * <p>These classes only carry JSON; nothing after the Kubernetes edge should see them. Fields are public
 * and nullable so that "absent" stays distinguishable from a zero value. The CRDs in {@code crds/} must
 * describe exactly these fields (a test checks it).
 */
package io.openelb.api.v1alpha2;
