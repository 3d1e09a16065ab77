"""The Deployment controller, one module per upstream file of ``pkg/controller/deployment/``:

- :mod:`.controller` — ``deployment_controller.go`` (handlers, ``syncDeployment``);
- :mod:`.sync` — ``sync.go`` (new ReplicaSet, revisions, proportional scaling, cleanup, status);
- :mod:`.rolling` — ``rolling.go`` (RollingUpdate);
- :mod:`.recreate` — ``recreate.go`` (Recreate);
- :mod:`.rollback` — ``rollback.go`` (the deprecated rollbackTo) and kubectl's
  ``rollout undo`` (:func:`~.rollback.rollout_undo`);
- :mod:`.progress` — ``progress.go`` (Progressing condition, progress deadline);
- :mod:`.util` — ``util/deployment_util.go`` (surge/unavailable arithmetic, annotations,
  conditions);
- :mod:`.steps` — :func:`~.steps.rollout_steps`, the rollout as a pure function, for teaching.
"""

from .controller import DeploymentController
from .rollback import rollout_undo
from .steps import rollout_steps

__all__ = ["DeploymentController", "rollout_steps", "rollout_undo"]
