"""An in-process kubectl whose text output is what the real kubectl prints.

>>> # kubectl = Kubectl(client, kernel); print(kubectl.run("get pods -o wide"))

See :mod:`.kubectl` for the commands and one module per command family.
"""

from .kubectl import COMMANDS, Kubectl, Result

__all__ = ["COMMANDS", "Kubectl", "Result"]
