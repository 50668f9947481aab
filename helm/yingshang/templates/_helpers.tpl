{{/* Names and labels. */}}
{{- define "yingshang.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The name of one service's objects: <fullname>-<service>. Call with (dict "root" $ "name" $name). */}}
{{- define "yingshang.serviceName" -}}
{{- printf "%s-%s" (include "yingshang.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "yingshang.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: yingshang
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
{{ include "yingshang.selectorLabels" . }}
{{- end -}}

{{- define "yingshang.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* Where a service's own API key (services.<name>.serviceKey) is mounted, as service.key. */}}
{{- define "yingshang.serviceKeyDir" -}}
{{- printf "/var/run/secrets/yingshang/%s" .name -}}
{{- end -}}

{{- define "yingshang.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/*
One service's configuration file: what the chart decides (listen addresses, Kafka, Redis, auth,
logging) merged over by the service's `config` values. Call with (dict "root" $ "name" $name "svc" $svc).
*/}}
{{- define "yingshang.config" -}}
{{- $v := .root.Values -}}
{{- $base := dict
  "log" (dict "level" $v.log.level)
  "grpc" (dict "listen" (printf "0.0.0.0:%v" .svc.grpcPort))
  "metrics" (dict "listen" (printf "0.0.0.0:%v" .svc.metricsPort))
  "kafka" (dict "brokers" $v.kafka.brokers "client_id" (printf "ys-%s" .name) "topic_prefix" $v.kafka.topicPrefix)
  "redis" (dict "address" $v.redis.address)
  "auth" (dict "api_keys_file" "/etc/yingshang/keys/api-keys.yaml"
               "units_file" "/usr/share/yingshang/catalog/units.yaml"
               "regions_file" "/usr/share/yingshang/catalog/regions.yaml")
-}}
{{- if eq .name "gateway" -}}
{{- /* The web console's server: its HTTP listener, its own key where the Deployment mounts it, and
  every other enabled service's in-cluster gRPC address (services/gateway/config.example.yaml). */ -}}
{{- $backends := dict -}}
{{- range $other, $o := $v.services -}}
{{- if and $o.enabled (ne $other "gateway") -}}
{{- $_ := set $backends $other (printf "%s:%v" (include "yingshang.serviceName" (dict "root" $.root "name" $other)) $o.grpcPort) -}}
{{- end -}}
{{- end -}}
{{- $_ := set $base "gateway" (dict
  "http" (dict "listen" (printf "0.0.0.0:%v" (required "services.gateway.httpPort is the console's HTTP port" .svc.httpPort)))
  "service_key_file" (printf "%s/service.key" (include "yingshang.serviceKeyDir" .))
  "backends" $backends) -}}
{{- end -}}
{{- if eq .name "notify" -}}
{{- /* notify's documents (the dispatch pack, the bulletin) read the other services with its own key
  (role office: it opens the 督办 cases) where the Deployment mounts it. */ -}}
{{- $docs := dict "service_key_file" (printf "%s/service.key" (include "yingshang.serviceKeyDir" .)) -}}
{{- range $other := list "indicator" "ranking" "rectification" "duty" -}}
{{- $o := index $v.services $other -}}
{{- $_ := set $docs $other (printf "%s:%v" (include "yingshang.serviceName" (dict "root" $.root "name" $other)) $o.grpcPort) -}}
{{- end -}}
{{- $_ := set $base "notify" (dict "documents" $docs) -}}
{{- end -}}
{{- $config := mergeOverwrite $base (deepCopy (default dict .svc.config)) -}}
{{- toYaml $config -}}
{{- end -}}
