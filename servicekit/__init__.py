"""servicekit: Jupyter-based facilitation kit for service-design workshops.

Five Whys trees, People / Process / Systems questionnaires and journey maps,
served as Voila apps and kept in an operation journal so nothing is lost.

>>> import servicekit
>>> sorted(servicekit.__all__)[:3]
['FiveWhys', 'JourneyMap', 'Survey']
"""

from .models import FiveWhys, JourneyMap, Survey, WorkshopState
from .workshop import Workshop, create_workshop, open_workshop

__version__ = "0.1.0"

__all__ = [
    "FiveWhys",
    "JourneyMap",
    "Survey",
    "Workshop",
    "WorkshopState",
    "create_workshop",
    "open_workshop",
]
