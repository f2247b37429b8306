// Package k8s reads Kubernetes manifests and decides, for each container
// of each workload, which seccomp configuration the node applies: the
// effective seccompProfile (container over pod), privileged containers,
// the kubelet's --seccomp-default, RuntimeDefault as the node runtime's
// default, Localhost profiles (files under the kubelet's seccomp directory
// or Security Profiles Operator SeccompProfile objects) resolved for the
// container's capabilities, and runtimeClassName mapped to a sandbox.
//
// It owns the manifest model (Pod, Deployment, StatefulSet, DaemonSet,
// ReplicaSet, Job, CronJob, List, and SPO's SeccompProfile), parsing from
// bytes (Parse) with errors that name the file, the document and the line,
// and the rules (Resolve), each decision carrying the rule that made it. It
// does not read files, decode seccomp profiles or score: the caller
// (internal/cli's k8s command) reads the inputs, decodes Localhost profiles
// with package seccomp for the Caps a Decision gives, and scores the
// configurations with packages runtimes and score.
//
// The rules mirror the kubelet and containerd's CRI plugin:
//   - a container's securityContext.seccompProfile wins over the pod's
//     (kubelet pkg/kubelet/kuberuntime/security_context.go);
//   - a privileged container runs without a filter, whatever its profile
//     (containerd internal/cri/server/container_create_linux.go: no seccomp
//     for privileged);
//   - no profile at all is Unconfined unless the kubelet runs with
//     --seccomp-default, which makes it RuntimeDefault;
//   - capabilities start from the runtime's default set, then add ALL, drop
//     ALL, add each, drop each, in that order (containerd
//     pkg/cri/opts/spec_linux.go WithCapabilities); a Localhost profile's
//     includes and excludes are resolved for the result, as containerd's
//     seccomp.LoadProfile resolves them for the bounding set.
//
// RuntimeDefault is the node runtime's built-in as sysweight scores it
// (runc-docker: Docker's profile for Docker's 14 capabilities), whatever
// the container adds or drops: containerd would resolve its default
// profile for the container's capabilities too, and a Decision says when
// they differ (CapsIgnored).
//
// The legacy seccomp annotations (seccomp.security.alpha.kubernetes.io/*),
// which the kubelet stopped applying in Kubernetes 1.27, are not read.
package k8s
