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
{{- /* Secure transport: the keys of the Secrets the Deployment mounts (yingshang.transport). */ -}}
{{- $transport := include "yingshang.transport" . | fromYaml -}}
{{- $base = mergeOverwrite $base $transport.config -}}
{{- $config := mergeOverwrite $base (deepCopy (default dict .svc.config)) -}}
{{- toYaml $config -}}
{{- end -}}

{{- define "yingshang.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "yingshang.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* What each service connects to (services/<name>/main.cc): the gateway emits no events (no Kafka);
  only ranking (its cache) and the gateway (sessions, the login limit) use Redis; only the gateway
  and notify (its documents) call other services over gRPC. Each returns "true" or "". */}}
{{- define "yingshang.usesKafka" -}}{{- if ne .name "gateway" }}true{{ end -}}{{- end -}}
{{- define "yingshang.usesRedis" -}}{{- if has .name (list "ranking" "gateway") }}true{{ end -}}{{- end -}}
{{- define "yingshang.grpcCallees" -}}
{{- $v := .root.Values -}}
{{- $out := list -}}
{{- if eq .name "gateway" -}}
{{- range $other, $o := $v.services -}}
{{- if and $o.enabled (ne $other "gateway") }}{{ $out = append $out $other }}{{ end -}}
{{- end -}}
{{- else if eq .name "notify" -}}
{{- range $other := list "indicator" "ranking" "rectification" "duty" -}}
{{- if (index $v.services $other).enabled }}{{ $out = append $out $other }}{{ end -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/* The API-key Secret: the chart's own when auth.apiKeys is set, else auth.existingSecret. */}}
{{- define "yingshang.apiKeysSecret" -}}
{{- if .Values.auth.apiKeys -}}
{{- printf "%s-api-keys" (include "yingshang.fullname" .) -}}
{{- else -}}
{{- required "auth.existingSecret names the Secret with api-keys.yaml (or set auth.apiKeys)" .Values.auth.existingSecret -}}
{{- end -}}
{{- end -}}
{{- define "yingshang.apiKeysFile" -}}
{{- toYaml (dict "api_keys" .Values.auth.apiKeys) -}}
{{- end -}}

{{/* A checksum of Secrets the chart does not own, read from the cluster at install/upgrade (lookup;
  empty under `helm template`, where only the names count). Call with (dict "root" $ "names" (list …)). */}}
{{- define "yingshang.secretsChecksum" -}}
{{- $parts := list -}}
{{- range $name := .names -}}
{{- $s := lookup "v1" "Secret" $.root.Release.Namespace $name -}}
{{- $parts = append $parts (printf "%s=%s" $name (get (default dict $s) "data" | toJson)) -}}
{{- end -}}
{{- join "\n" $parts | sha256sum -}}
{{- end -}}

{{/* Where the transport's Secrets are mounted (one projected volume, read-only). */}}
{{- define "yingshang.transportDir" -}}/var/run/secrets/yingshang/transport{{- end -}}

{{/*
Secure transport for one service (issue #17): the configuration keys it adds (keys shared with the C++
helpers: grpc.tls.*, grpc.client.tls.*, kafka.security_protocol, kafka.sasl.*, kafka.tls.*,
pg.password_file, pg.tls.*, redis.username, redis.password_file) pointing at the files of the projected
volume whose sources it lists. Returned as YAML {config: …, sources: […], secrets: […], probeTls: …}.
Call with (dict "root" $ "name" $name "svc" $svc).
*/}}
{{- define "yingshang.transport" -}}
{{- $v := .root.Values -}}
{{- $dir := include "yingshang.transportDir" . -}}
{{- $config := dict -}}
{{- $sources := list -}}
{{- $secrets := list -}}
{{- $probe := dict -}}
{{- /* gRPC: every server; the gateway's and notify's calls as clients. */ -}}
{{- if $v.grpc.tls.enabled -}}
{{- $secret := default $v.grpc.tls.existingSecret (dig "tls" "existingSecret" "" .svc) -}}
{{- $secret = required "grpc.tls.existingSecret (or services.<name>.tls.existingSecret) names the Secret with tls.crt, tls.key and ca.crt" $secret -}}
{{- $sources = append $sources (dict "secret" (dict "name" $secret "items" (list
      (dict "key" "tls.crt" "path" "grpc/tls.crt") (dict "key" "tls.key" "path" "grpc/tls.key")
      (dict "key" "ca.crt" "path" "grpc/ca.crt")))) -}}
{{- $secrets = append $secrets $secret -}}
{{- $server := dict "cert_file" (printf "%s/grpc/tls.crt" $dir) "key_file" (printf "%s/grpc/tls.key" $dir) -}}
{{- if $v.grpc.tls.mutual }}{{ $_ := set $server "client_ca_file" (printf "%s/grpc/ca.crt" $dir) }}{{ end -}}
{{- $grpc := dict "tls" $server -}}
{{- if fromJsonArray (include "yingshang.grpcCallees" .) -}}
{{- $client := dict "ca_file" (printf "%s/grpc/ca.crt" $dir) -}}
{{- if $v.grpc.tls.mutual -}}
{{- $_ := set $client "cert_file" (printf "%s/grpc/tls.crt" $dir) -}}
{{- $_ := set $client "key_file" (printf "%s/grpc/tls.key" $dir) -}}
{{- end -}}
{{- with $v.grpc.tls.serverName }}{{ $_ := set $client "server_name" . }}{{ end -}}
{{- $_ := set $grpc "client" (dict "tls" $client) -}}
{{- end -}}
{{- $_ := set $config "grpc" $grpc -}}
{{- /* The kubelet's gRPC probe speaks plaintext only: the probes run ysctl health over TLS instead,
  with this pod's own certificate (the server may require one) and the name its certificate holds. */ -}}
{{- $probe = dict "ca" (printf "%s/grpc/ca.crt" $dir) "cert" (printf "%s/grpc/tls.crt" $dir)
      "key" (printf "%s/grpc/tls.key" $dir)
      "serverName" (default (include "yingshang.serviceName" .) $v.grpc.tls.serverName) -}}
{{- end -}}
{{- /* Kafka: SCRAM (or PLAIN) over SASL, TLS, or both. */ -}}
{{- $k := $v.kafka -}}
{{- $protocol := default "PLAINTEXT" $k.securityProtocol -}}
{{- if not (has $protocol (list "PLAINTEXT" "SSL" "SASL_PLAINTEXT" "SASL_SSL")) -}}
{{- fail (printf "kafka.securityProtocol must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got %q" $protocol) -}}
{{- end -}}
{{- if and (ne $protocol "PLAINTEXT") (include "yingshang.usesKafka" .) -}}
{{- $kafka := dict "security_protocol" $protocol -}}
{{- if hasPrefix "SASL_" $protocol -}}
{{- if not (has $k.sasl.mechanism (list "SCRAM-SHA-512" "SCRAM-SHA-256" "PLAIN")) -}}
{{- fail (printf "kafka.sasl.mechanism must be SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN, got %q" $k.sasl.mechanism) -}}
{{- end -}}
{{- $pw := required (printf "kafka.sasl.passwordSecret.name names the Secret with the Kafka password (kafka.securityProtocol %s)" $protocol) $k.sasl.passwordSecret.name -}}
{{- $sources = append $sources (dict "secret" (dict "name" $pw "items" (list (dict "key" $k.sasl.passwordSecret.key "path" "kafka/password")))) -}}
{{- $secrets = append $secrets $pw -}}
{{- $_ := set $kafka "sasl" (dict "mechanism" $k.sasl.mechanism
      "username" (required (printf "kafka.sasl.username is required with kafka.securityProtocol %s" $protocol) $k.sasl.username)
      "password_file" (printf "%s/kafka/password" $dir)) -}}
{{- end -}}
{{- if hasSuffix "SSL" $protocol -}}
{{- $tls := dict -}}
{{- with $k.tls.caSecret.name -}}
{{- $sources = append $sources (dict "secret" (dict "name" . "items" (list (dict "key" $k.tls.caSecret.key "path" "kafka/ca.crt")))) -}}
{{- $secrets = append $secrets . -}}
{{- $_ := set $tls "ca_file" (printf "%s/kafka/ca.crt" $dir) -}}
{{- end -}}
{{- with $k.tls.clientCertSecret.name -}}
{{- $sources = append $sources (dict "secret" (dict "name" . "items" (list (dict "key" "tls.crt" "path" "kafka/tls.crt") (dict "key" "tls.key" "path" "kafka/tls.key")))) -}}
{{- $secrets = append $secrets . -}}
{{- $_ := set $tls "cert_file" (printf "%s/kafka/tls.crt" $dir) -}}
{{- $_ := set $tls "key_file" (printf "%s/kafka/tls.key" $dir) -}}
{{- end -}}
{{- if $tls }}{{ $_ := set $kafka "tls" $tls }}{{ end -}}
{{- end -}}
{{- $_ := set $config "kafka" $kafka -}}
{{- end -}}
{{- /* PostgreSQL: the password from a file, TLS verified against the CA. */ -}}
{{- $p := $v.postgresql -}}
{{- $pg := dict -}}
{{- with $p.uri }}{{ $_ := set $pg "uri" . }}{{ end -}}
{{- with $p.passwordSecret.name -}}
{{- $sources = append $sources (dict "secret" (dict "name" . "items" (list (dict "key" $p.passwordSecret.key "path" "postgresql/password")))) -}}
{{- $secrets = append $secrets . -}}
{{- $_ := set $pg "password_file" (printf "%s/postgresql/password" $dir) -}}
{{- end -}}
{{- $pgTls := dict -}}
{{- with $p.tls.mode -}}
{{- if not (has . (list "disable" "allow" "prefer" "require" "verify-ca" "verify-full")) -}}
{{- fail (printf "postgresql.tls.mode must be disable, allow, prefer, require, verify-ca or verify-full, got %q" .) -}}
{{- end -}}
{{- if and (hasPrefix "verify-" .) (not $p.tls.caSecret.name) -}}
{{- fail (printf "postgresql.tls.caSecret.name names the Secret with the CA that postgresql.tls.mode %s verifies against" .) -}}
{{- end -}}
{{- $_ := set $pgTls "mode" . -}}
{{- end -}}
{{- with $p.tls.caSecret.name -}}
{{- $sources = append $sources (dict "secret" (dict "name" . "items" (list (dict "key" $p.tls.caSecret.key "path" "postgresql/ca.crt")))) -}}
{{- $secrets = append $secrets . -}}
{{- $_ := set $pgTls "ca_file" (printf "%s/postgresql/ca.crt" $dir) -}}
{{- end -}}
{{- with $p.tls.clientCertSecret.name -}}
{{- $sources = append $sources (dict "secret" (dict "name" . "items" (list (dict "key" "tls.crt" "path" "postgresql/tls.crt") (dict "key" "tls.key" "path" "postgresql/tls.key")))) -}}
{{- $secrets = append $secrets . -}}
{{- $_ := set $pgTls "cert_file" (printf "%s/postgresql/tls.crt" $dir) -}}
{{- $_ := set $pgTls "key_file" (printf "%s/postgresql/tls.key" $dir) -}}
{{- end -}}
{{- if $pgTls }}{{ $_ := set $pg "tls" $pgTls }}{{ end -}}
{{- if $pg }}{{ $_ := set $config "pg" $pg }}{{ end -}}
{{- /* Redis: AUTH as an ACL user. */ -}}
{{- if include "yingshang.usesRedis" . -}}
{{- $r := $v.redis -}}
{{- $redis := dict -}}
{{- with $r.username }}{{ $_ := set $redis "username" . }}{{ end -}}
{{- with $r.passwordSecret.name -}}
{{- $sources = append $sources (dict "secret" (dict "name" . "items" (list (dict "key" $r.passwordSecret.key "path" "redis/password")))) -}}
{{- $secrets = append $secrets . -}}
{{- $_ := set $redis "password_file" (printf "%s/redis/password" $dir) -}}
{{- end -}}
{{- if and $r.username (not $r.passwordSecret.name) -}}
{{- fail "redis.passwordSecret.name names the Secret with the password of redis.username" -}}
{{- end -}}
{{- if $redis }}{{ $_ := set $config "redis" $redis }}{{ end -}}
{{- end -}}
{{- toYaml (dict "config" $config "sources" $sources "secrets" (uniq $secrets) "probeTls" $probe) -}}
{{- end -}}

{{/* A probe of grpc.health.v1 on the service's gRPC port: the kubelet's own (plaintext), or with gRPC
  TLS on, ysctl health from the image over TLS. Call with (dict "port" N "tls" <transport.probeTls>
  "mutual" bool); the result is indented by the caller. */}}
{{- define "yingshang.grpcProbe" -}}
{{- if .tls -}}
exec:
  command:
    - /usr/local/bin/ysctl
    - health
    - --address
    - 127.0.0.1:{{ .port }}
    - --tls-ca
    - {{ .tls.ca }}
    {{- if .mutual }}
    - --tls-cert
    - {{ .tls.cert }}
    - --tls-key
    - {{ .tls.key }}
    {{- end }}
    - --tls-server-name
    - {{ .tls.serverName }}
timeoutSeconds: 5
{{- else -}}
grpc: {port: {{ .port }}}
{{- end -}}
{{- end -}}

{{/* One egress rule: (dict "to" <peers> "ports" <ports>); no peers: any address on those ports. */}}
{{- define "yingshang.egressRule" -}}
{{- $rule := dict "ports" .ports -}}
{{- with .to }}{{ $_ := set $rule "to" . }}{{ end -}}
{{- toYaml $rule -}}
{{- end -}}
