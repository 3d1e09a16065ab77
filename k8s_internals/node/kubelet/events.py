"""The kubelet's event reasons (``pkg/kubelet/events/event.go``), as ``kubectl describe`` shows
them."""

from __future__ import annotations

# container event reasons
CREATED_CONTAINER = "Created"
STARTED_CONTAINER = "Started"
FAILED_TO_CREATE_CONTAINER = "Failed"
FAILED_TO_START_CONTAINER = "Failed"
KILLING_CONTAINER = "Killing"
PREEMPT_CONTAINER = "Preempting"
BACK_OFF_START_CONTAINER = "BackOff"
EXCEEDED_GRACE_PERIOD = "ExceededGracePeriod"

# pod event reasons
FAILED_TO_KILL_POD = "FailedKillPod"
FAILED_TO_CREATE_POD_CONTAINER = "FailedCreatePodContainer"
FAILED_TO_MAKE_POD_DATA_DIRECTORIES = "Failed"
NETWORK_NOT_READY = "NetworkNotReady"

# image event reasons
PULLING_IMAGE = "Pulling"
PULLED_IMAGE = "Pulled"
FAILED_TO_PULL_IMAGE = "Failed"
FAILED_TO_INSPECT_IMAGE = "InspectFailed"
ERR_IMAGE_NEVER_PULL_POLICY = "ErrImageNeverPull"
BACK_OFF_PULL_IMAGE = "BackOff"

# kubelet event reasons
NODE_READY = "NodeReady"
NODE_NOT_READY = "NodeNotReady"
NODE_SCHEDULABLE = "NodeSchedulable"
NODE_NOT_SCHEDULABLE = "NodeNotSchedulable"
STARTING_KUBELET = "Starting"
KUBELET_SETUP_FAILED = "KubeletSetupFailed"
FAILED_MOUNT_VOLUME = "FailedMount"
SUCCESSFUL_MOUNT_VOLUME = "SuccessfulMountVolume"
NODE_REBOOTED = "Rebooted"
SUCCESSFUL_NODE_ALLOCATABLE_ENFORCEMENT = "NodeAllocatableEnforced"
SANDBOX_CHANGED = "SandboxChanged"
FAILED_CREATE_POD_SANDBOX = "FailedCreatePodSandBox"
FAILED_STATUS_POD_SANDBOX = "FailedPodSandBoxStatus"

# probe event reasons
CONTAINER_UNHEALTHY = "Unhealthy"
CONTAINER_PROBE_WARNING = "ProbeWarning"

# pod worker event reasons
FAILED_SYNC = "FailedSync"

# config event reasons
FAILED_VALIDATION = "FailedValidation"

# lifecycle hooks
FAILED_POST_START_HOOK = "FailedPostStartHook"
FAILED_PRE_STOP_HOOK = "FailedPreStopHook"
