/// The Kubernetes 1.31 object types the examples use (batch/v1 CronJob and
/// Job; v1 ConfigMap, Secret and PersistentVolumeClaim), field names as in
/// the API reference (kubernetes.io/docs/reference/kubernetes-api). Fields
/// the server fills in (`status`, `metadata.uid`, ...) and fields not listed
/// here are rejected.
extension KubernetesSchema {
    typealias Object = ObjectType

    static let kubernetes131 = KubernetesSchema(kinds: [
        "batch/v1 CronJob": top("CronJob", ["spec": .object(cronJobSpec)], required: ["spec"]),
        "batch/v1 Job": top("Job", ["spec": .object(jobSpec)], required: ["spec"]),
        "v1 ConfigMap": top(
            "ConfigMap", ["data": .stringMap, "binaryData": .stringMap, "immutable": .boolean]),
        "v1 Secret": top(
            "Secret", ["data": .stringMap, "stringData": .stringMap, "type": .string, "immutable": .boolean]),
        "v1 PersistentVolumeClaim": top("PersistentVolumeClaim", ["spec": .object(persistentVolumeClaimSpec)], required: ["spec"]),
    ])

    private static func top(_ kind: String, _ fields: [String: FieldType], required: [String] = []) -> Object {
        Object(
            name: kind,
            fields: fields.merging(["apiVersion": .string, "kind": .string, "metadata": .object(objectMeta)]) { own, _ in own },
            required: ["apiVersion", "kind", "metadata"] + required)
    }

    // MARK: - Metadata and selectors

    static let objectMeta = Object(
        name: "ObjectMeta",
        fields: [
            "name": .string, "generateName": .string, "namespace": .string, "labels": .stringMap, "annotations": .stringMap,
            "finalizers": .list(.string),
        ])

    static let labelSelector = Object(
        name: "LabelSelector",
        fields: [
            "matchLabels": .stringMap,
            "matchExpressions": .list(
                .object(
                    Object(
                        name: "LabelSelectorRequirement",
                        fields: ["key": .string, "operator": .oneOf(["In", "NotIn", "Exists", "DoesNotExist"]), "values": .list(.string)],
                        required: ["key", "operator"]))),
        ])

    // MARK: - batch/v1

    static let cronJobSpec = Object(
        name: "CronJobSpec",
        fields: [
            "schedule": .string, "timeZone": .string, "startingDeadlineSeconds": .integer,
            "concurrencyPolicy": .oneOf(["Allow", "Forbid", "Replace"]), "suspend": .boolean,
            "jobTemplate": .object(
                Object(name: "JobTemplateSpec", fields: ["metadata": .object(objectMeta), "spec": .object(jobSpec)])),
            "successfulJobsHistoryLimit": .integer, "failedJobsHistoryLimit": .integer,
        ],
        required: ["schedule", "jobTemplate"])

    static let jobSpec = Object(
        name: "JobSpec",
        fields: [
            "parallelism": .integer, "completions": .integer, "activeDeadlineSeconds": .integer,
            "podFailurePolicy": .object(podFailurePolicy), "successPolicy": .object(successPolicy),
            "backoffLimit": .integer, "backoffLimitPerIndex": .integer, "maxFailedIndexes": .integer,
            "selector": .object(labelSelector), "manualSelector": .boolean, "template": .object(podTemplateSpec),
            "ttlSecondsAfterFinished": .integer, "completionMode": .oneOf(["NonIndexed", "Indexed"]), "suspend": .boolean,
            "podReplacementPolicy": .oneOf(["TerminatingOrFailed", "Failed"]), "managedBy": .string,
        ],
        required: ["template"])

    static let podFailurePolicy = Object(
        name: "PodFailurePolicy",
        fields: [
            "rules": .list(
                .object(
                    Object(
                        name: "PodFailurePolicyRule",
                        fields: [
                            "action": .oneOf(["FailJob", "FailIndex", "Ignore", "Count"]),
                            "onExitCodes": .object(
                                Object(
                                    name: "PodFailurePolicyOnExitCodesRequirement",
                                    fields: ["containerName": .string, "operator": .oneOf(["In", "NotIn"]), "values": .list(.integer)],
                                    required: ["operator", "values"])),
                            "onPodConditions": .list(
                                .object(
                                    Object(
                                        name: "PodFailurePolicyOnPodConditionsPattern",
                                        fields: ["type": .string, "status": .oneOf(["True", "False", "Unknown"])],
                                        required: ["type"]))),
                        ],
                        required: ["action"])))
        ],
        required: ["rules"])

    static let successPolicy = Object(
        name: "SuccessPolicy",
        fields: [
            "rules": .list(
                .object(Object(name: "SuccessPolicyRule", fields: ["succeededIndexes": .string, "succeededCount": .integer])))
        ],
        required: ["rules"])

    // MARK: - Pods

    static let podTemplateSpec = Object(name: "PodTemplateSpec", fields: ["metadata": .object(objectMeta), "spec": .object(podSpec)])

    static let podSpec = Object(
        name: "PodSpec",
        fields: [
            "volumes": .list(.object(volume)), "initContainers": .list(.object(container)), "containers": .list(.object(container)),
            "restartPolicy": .oneOf(["Always", "OnFailure", "Never"]), "terminationGracePeriodSeconds": .integer,
            "activeDeadlineSeconds": .integer, "dnsPolicy": .oneOf(["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]),
            "nodeSelector": .stringMap, "serviceAccountName": .string, "automountServiceAccountToken": .boolean, "nodeName": .string,
            "hostNetwork": .boolean, "hostPID": .boolean, "hostIPC": .boolean, "shareProcessNamespace": .boolean,
            "securityContext": .object(podSecurityContext),
            "imagePullSecrets": .list(.object(Object(name: "LocalObjectReference", fields: ["name": .string]))),
            "hostname": .string, "subdomain": .string, "schedulerName": .string, "tolerations": .list(.object(toleration)),
            "priorityClassName": .string, "priority": .integer, "runtimeClassName": .string, "enableServiceLinks": .boolean,
            "preemptionPolicy": .oneOf(["PreemptLowerPriority", "Never"]),
            "topologySpreadConstraints": .list(.object(topologySpreadConstraint)), "setHostnameAsFQDN": .boolean,
            "os": .object(Object(name: "PodOS", fields: ["name": .oneOf(["linux", "windows"])], required: ["name"])),
            "hostUsers": .boolean,
        ],
        required: ["containers"])

    static let toleration = Object(
        name: "Toleration",
        fields: [
            "key": .string, "operator": .oneOf(["Exists", "Equal"]), "value": .string,
            "effect": .oneOf(["NoSchedule", "PreferNoSchedule", "NoExecute"]), "tolerationSeconds": .integer,
        ])

    static let topologySpreadConstraint = Object(
        name: "TopologySpreadConstraint",
        fields: [
            "maxSkew": .integer, "topologyKey": .string, "whenUnsatisfiable": .oneOf(["DoNotSchedule", "ScheduleAnyway"]),
            "labelSelector": .object(labelSelector), "minDomains": .integer, "nodeAffinityPolicy": .oneOf(["Honor", "Ignore"]),
            "nodeTaintsPolicy": .oneOf(["Honor", "Ignore"]), "matchLabelKeys": .list(.string),
        ],
        required: ["maxSkew", "topologyKey", "whenUnsatisfiable"])

    static let seccompProfile = Object(
        name: "SeccompProfile",
        fields: ["type": .oneOf(["RuntimeDefault", "Localhost", "Unconfined"]), "localhostProfile": .string], required: ["type"])

    static let appArmorProfile = Object(
        name: "AppArmorProfile",
        fields: ["type": .oneOf(["RuntimeDefault", "Localhost", "Unconfined"]), "localhostProfile": .string], required: ["type"])

    static let seLinuxOptions = Object(
        name: "SELinuxOptions", fields: ["user": .string, "role": .string, "type": .string, "level": .string])

    static let windowsOptions = Object(
        name: "WindowsSecurityContextOptions",
        fields: ["gmsaCredentialSpecName": .string, "gmsaCredentialSpec": .string, "runAsUserName": .string, "hostProcess": .boolean])

    static let podSecurityContext = Object(
        name: "PodSecurityContext",
        fields: [
            "seLinuxOptions": .object(seLinuxOptions), "windowsOptions": .object(windowsOptions), "runAsUser": .integer,
            "runAsGroup": .integer, "runAsNonRoot": .boolean, "supplementalGroups": .list(.integer), "fsGroup": .integer,
            "sysctls": .list(.object(Object(name: "Sysctl", fields: ["name": .string, "value": .string], required: ["name", "value"]))),
            "fsGroupChangePolicy": .oneOf(["OnRootMismatch", "Always"]), "seccompProfile": .object(seccompProfile),
            "appArmorProfile": .object(appArmorProfile),
        ])

    static let securityContext = Object(
        name: "SecurityContext",
        fields: [
            "capabilities": .object(Object(name: "Capabilities", fields: ["add": .list(.string), "drop": .list(.string)])),
            "privileged": .boolean, "seLinuxOptions": .object(seLinuxOptions), "windowsOptions": .object(windowsOptions),
            "runAsUser": .integer, "runAsGroup": .integer, "runAsNonRoot": .boolean, "readOnlyRootFilesystem": .boolean,
            "allowPrivilegeEscalation": .boolean, "procMount": .oneOf(["Default", "Unmasked"]),
            "seccompProfile": .object(seccompProfile), "appArmorProfile": .object(appArmorProfile),
        ])

    // MARK: - Containers

    static let container = Object(
        name: "Container",
        fields: [
            "name": .string, "image": .string, "command": .list(.string), "args": .list(.string), "workingDir": .string,
            "ports": .list(.object(containerPort)), "envFrom": .list(.object(envFromSource)), "env": .list(.object(envVar)),
            "resources": .object(resourceRequirements), "restartPolicy": .oneOf(["Always"]),
            "volumeMounts": .list(.object(volumeMount)), "terminationMessagePath": .string,
            "terminationMessagePolicy": .oneOf(["File", "FallbackToLogsOnError"]),
            "imagePullPolicy": .oneOf(["Always", "Never", "IfNotPresent"]), "securityContext": .object(securityContext),
            "stdin": .boolean, "stdinOnce": .boolean, "tty": .boolean,
        ],
        required: ["name"])

    static let containerPort = Object(
        name: "ContainerPort",
        fields: [
            "name": .string, "containerPort": .integer, "hostPort": .integer, "hostIP": .string,
            "protocol": .oneOf(["TCP", "UDP", "SCTP"]),
        ],
        required: ["containerPort"])

    static let keySelector = Object(name: "KeySelector", fields: ["name": .string, "key": .string, "optional": .boolean], required: ["key"])

    static let envVar = Object(
        name: "EnvVar",
        fields: [
            "name": .string, "value": .string,
            "valueFrom": .object(
                Object(
                    name: "EnvVarSource",
                    fields: [
                        "fieldRef": .object(
                            Object(name: "ObjectFieldSelector", fields: ["apiVersion": .string, "fieldPath": .string], required: ["fieldPath"])),
                        "resourceFieldRef": .object(
                            Object(
                                name: "ResourceFieldSelector", fields: ["containerName": .string, "resource": .string, "divisor": .quantity],
                                required: ["resource"])),
                        "configMapKeyRef": .object(keySelector), "secretKeyRef": .object(keySelector),
                    ],
                    exactlyOne: ["fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef"])),
        ],
        required: ["name"])

    static let envFromSource = Object(
        name: "EnvFromSource",
        fields: [
            "prefix": .string,
            "configMapRef": .object(Object(name: "ConfigMapEnvSource", fields: ["name": .string, "optional": .boolean])),
            "secretRef": .object(Object(name: "SecretEnvSource", fields: ["name": .string, "optional": .boolean])),
        ])

    static let resourceRequirements = Object(
        name: "ResourceRequirements",
        fields: [
            "limits": .quantityMap, "requests": .quantityMap,
            "claims": .list(.object(Object(name: "ResourceClaim", fields: ["name": .string], required: ["name"]))),
        ])

    static let volumeMount = Object(
        name: "VolumeMount",
        fields: [
            "name": .string, "readOnly": .boolean, "recursiveReadOnly": .oneOf(["Disabled", "IfPossible", "Enabled"]),
            "mountPath": .string, "subPath": .string, "mountPropagation": .oneOf(["None", "HostToContainer", "Bidirectional"]),
            "subPathExpr": .string,
        ],
        required: ["name", "mountPath"])

    // MARK: - Volumes

    static let keyToPath = Object(name: "KeyToPath", fields: ["key": .string, "path": .string, "mode": .integer], required: ["key", "path"])

    static let downwardAPIVolumeFile = Object(
        name: "DownwardAPIVolumeFile",
        fields: [
            "path": .string, "mode": .integer,
            "fieldRef": .object(
                Object(name: "ObjectFieldSelector", fields: ["apiVersion": .string, "fieldPath": .string], required: ["fieldPath"])),
            "resourceFieldRef": .object(
                Object(
                    name: "ResourceFieldSelector", fields: ["containerName": .string, "resource": .string, "divisor": .quantity],
                    required: ["resource"])),
        ],
        required: ["path"])

    static let configMapProjection = Object(
        name: "ConfigMapProjection", fields: ["name": .string, "items": .list(.object(keyToPath)), "optional": .boolean])

    static let secretProjection = Object(
        name: "SecretProjection", fields: ["name": .string, "items": .list(.object(keyToPath)), "optional": .boolean])

    static let volume = Object(
        name: "Volume",
        fields: [
            "name": .string,
            "configMap": .object(
                Object(
                    name: "ConfigMapVolumeSource",
                    fields: ["name": .string, "items": .list(.object(keyToPath)), "defaultMode": .integer, "optional": .boolean])),
            "secret": .object(
                Object(
                    name: "SecretVolumeSource",
                    fields: ["secretName": .string, "items": .list(.object(keyToPath)), "defaultMode": .integer, "optional": .boolean])),
            "persistentVolumeClaim": .object(
                Object(
                    name: "PersistentVolumeClaimVolumeSource", fields: ["claimName": .string, "readOnly": .boolean],
                    required: ["claimName"])),
            "emptyDir": .object(
                Object(name: "EmptyDirVolumeSource", fields: ["medium": .oneOf(["", "Memory"]), "sizeLimit": .quantity])),
            "hostPath": .object(
                Object(
                    name: "HostPathVolumeSource",
                    fields: [
                        "path": .string,
                        "type": .oneOf(["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"]),
                    ],
                    required: ["path"])),
            "downwardAPI": .object(
                Object(
                    name: "DownwardAPIVolumeSource", fields: ["items": .list(.object(downwardAPIVolumeFile)), "defaultMode": .integer])),
            "projected": .object(
                Object(
                    name: "ProjectedVolumeSource",
                    fields: [
                        "defaultMode": .integer,
                        "sources": .list(
                            .object(
                                Object(
                                    name: "VolumeProjection",
                                    fields: [
                                        "configMap": .object(configMapProjection), "secret": .object(secretProjection),
                                        "downwardAPI": .object(
                                            Object(name: "DownwardAPIProjection", fields: ["items": .list(.object(downwardAPIVolumeFile))])),
                                        "serviceAccountToken": .object(
                                            Object(
                                                name: "ServiceAccountTokenProjection",
                                                fields: ["audience": .string, "expirationSeconds": .integer, "path": .string],
                                                required: ["path"])),
                                    ]))),
                    ])),
        ],
        required: ["name"],
        exactlyOne: ["configMap", "secret", "persistentVolumeClaim", "emptyDir", "hostPath", "downwardAPI", "projected"])

    // MARK: - PersistentVolumeClaim

    static let persistentVolumeClaimSpec = Object(
        name: "PersistentVolumeClaimSpec",
        fields: [
            "accessModes": .list(.oneOf(["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"])),
            "selector": .object(labelSelector),
            "resources": .object(
                Object(name: "VolumeResourceRequirements", fields: ["limits": .quantityMap, "requests": .quantityMap])),
            "volumeName": .string, "storageClassName": .string, "volumeMode": .oneOf(["Filesystem", "Block"]),
            "dataSource": .object(
                Object(
                    name: "TypedLocalObjectReference", fields: ["apiGroup": .string, "kind": .string, "name": .string],
                    required: ["kind", "name"])),
            "dataSourceRef": .object(
                Object(
                    name: "TypedObjectReference",
                    fields: ["apiGroup": .string, "kind": .string, "name": .string, "namespace": .string],
                    required: ["kind", "name"])),
            "volumeAttributesClassName": .string,
        ])
}
