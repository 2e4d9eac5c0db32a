"""pandera models for every table that crosses the project's boundary."""

from schemas.catalogue import AreaModel, ComparatorModel, MeasureModel, TargetModel
from schemas.observations import ObservationModel
from schemas.upload import SubmissionModel

__all__ = ["AreaModel", "ComparatorModel", "MeasureModel", "ObservationModel", "SubmissionModel", "TargetModel"]
