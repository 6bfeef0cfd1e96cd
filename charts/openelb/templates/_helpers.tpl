{{/*
The objects of one source file of the repository (files/manifests and files/grafana link manifests/ and
grafana/), as a JSON list; documents with only comments are dropped. Usage:
  include "openelb.objects" (dict "root" $ "file" "files/manifests/rbac.yaml") | fromJsonArray
*/}}
{{- define "openelb.objects" -}}
{{- $objects := list -}}
{{- $text := .root.Files.Get .file -}}
{{- if not $text }}{{ fail (printf "%s is missing from the chart" .file) }}{{ end -}}
{{- range regexSplit "(?m)^---[ \t]*$" $text -1 -}}
{{- $object := fromYaml . -}}
{{- if hasKey $object "Error" }}{{ fail (printf "%s: %s" $.file $object.Error) }}{{ end -}}
{{- if $object.kind }}{{ $objects = append $objects $object }}{{ end -}}
{{- end -}}
{{- toJson $objects -}}
{{- end -}}

{{/*
The labels manifests/kustomization.yaml gives every object (its `labels` pairs), as YAML.
*/}}
{{- define "openelb.commonLabels" -}}
{{- $labels := dict -}}
{{- range (.Files.Get "files/manifests/kustomization.yaml" | fromYaml).labels -}}
{{- $labels = mergeOverwrite $labels .pairs -}}
{{- end -}}
{{- toYaml $labels -}}
{{- end -}}

{{/*
One object as a document of the release: in the release namespace (where the source names a namespace,
also in RBAC subjects), with the common labels. Usage: include "openelb.emit" (dict "root" $ "object" $o)
*/}}
{{- define "openelb.emit" -}}
{{- $o := .object -}}
{{- $namespace := .root.Release.Namespace -}}
{{- if $o.metadata.namespace }}{{ $_ := set $o.metadata "namespace" $namespace }}{{ end -}}
{{- range $o.subjects | default list -}}
{{- if .namespace }}{{ $_ := set . "namespace" $namespace }}{{ end -}}
{{- end -}}
{{- $labels := mergeOverwrite ($o.metadata.labels | default dict) (include "openelb.commonLabels" .root | fromYaml) -}}
{{- $_ := set $o.metadata "labels" $labels -}}
---
{{ toYaml $o }}
{{- end -}}

{{/*
The chart's values applied to a workload of the source files (Deployment or DaemonSet, one container).
Usage: include "openelb.workload" (dict "root" $ "object" $o "role" .Values.controller "args" $extra)
A null value keeps the source's; see values.yaml.
*/}}
{{- define "openelb.workload" -}}
{{- $values := .root.Values -}}
{{- $pod := .object.spec.template.spec -}}
{{- $container := index $pod.containers 0 -}}
{{- $_ := set $container "image" (printf "%s:%s" $values.image.repository ($values.image.tag | default .root.Chart.AppVersion)) -}}
{{- if $values.image.pullPolicy }}{{ $_ := set $container "imagePullPolicy" $values.image.pullPolicy }}{{ end -}}
{{- $_ := set $container "args" (concat $container.args .args .role.extraArgs) -}}
{{- if not (kindIs "invalid" .role.resources) }}{{ $_ := set $container "resources" .role.resources }}{{ end -}}
{{- if not (kindIs "invalid" .role.nodeSelector) }}{{ $_ := set $pod "nodeSelector" .role.nodeSelector }}{{ end -}}
{{- if not (kindIs "invalid" .role.tolerations) }}{{ $_ := set $pod "tolerations" .role.tolerations }}{{ end -}}
{{- if .role.priorityClassName }}{{ $_ := set $pod "priorityClassName" .role.priorityClassName }}{{ end -}}
{{- include "openelb.emit" . -}}
{{- end -}}

{{/*
Labels of the objects the chart adds (no source file has them): the common labels and app name.
*/}}
{{- define "openelb.labels" -}}
{{ include "openelb.commonLabels" . }}
app.kubernetes.io/name: openelb
{{- end -}}
