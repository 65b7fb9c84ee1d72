{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "shopstream.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name. */}}
{{- define "shopstream.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "shopstream.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "shopstream.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one role: (dict "root" $ "role" "processor"). */}}
{{- define "shopstream.selectorLabels" -}}
app.kubernetes.io/name: {{ include "shopstream.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .role }}
{{- end -}}

{{- define "shopstream.secretName" -}}
{{- if .Values.secret.create -}}
{{- include "shopstream.fullname" . -}}
{{- else -}}
{{- required "secret.name: the existing Secret with SHOPSTREAM_* credentials (or secret.create=true)" .Values.secret.name -}}
{{- end -}}
{{- end -}}

{{- define "shopstream.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/*
Refuses configurations that cannot work with one pod per role: the log, the serving DB and the
lake must be shared services, and more processors than partitions would idle.
*/}}
{{- define "shopstream.validate" -}}
{{- $log := .Values.config.log | default dict -}}
{{- if not $log.brokers -}}
{{- fail "config.log.brokers: the chart runs one pod per role, which share a Kafka log (the embedded file log is one process's)" -}}
{{- end -}}
{{- $lake := .Values.config.lake | default dict -}}
{{- if not (hasPrefix "s3://" ($lake.url | default "")) -}}
{{- fail "config.lake.url: the processor, scheduler and api pods share the lake: set an s3://bucket/prefix URL" -}}
{{- end -}}
{{- $store := .Values.config.store | default dict -}}
{{- if and .Values.secret.create (not $store.url) (not (hasKey .Values.secret.env "SHOPSTREAM_STORE_URL")) -}}
{{- fail "secret.env.SHOPSTREAM_STORE_URL: the pods share a PostgreSQL serving DB (embedded PGlite is one process's)" -}}
{{- end -}}
{{- $partitions := $log.partitions | default 4 | int -}}
{{- if and .Values.roles.processor.enabled (gt (int .Values.roles.processor.replicas) $partitions) -}}
{{- fail (printf "roles.processor.replicas (%d) > config.log.partitions (%d): a processor without a partition idles" (int .Values.roles.processor.replicas) $partitions) -}}
{{- end -}}
{{- end -}}

{{/* The roles the chart deploys, in order, with their HTTP port (0 = none besides ops). */}}
{{- define "shopstream.roles" -}}
collector: 8081
processor: 0
api: 8080
detector: 0
scheduler: 0
{{- end -}}
