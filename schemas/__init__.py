"""pandera models for every table that crosses the project's boundary."""

from schemas.catalogue import AreaModel, MeasureModel, TargetModel
from schemas.observations import ObservationModel
from schemas.upload import SubmissionModel

__all__ = ["AreaModel", "MeasureModel", "ObservationModel", "SubmissionModel", "TargetModel"]
