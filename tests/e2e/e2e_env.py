"""What the e2e scripts share: the environment their programs run in."""
import os

# mpirun as root, oversubscribed, over shared memory, on any machine.
MPI_ENV = dict(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_btl="self,vader",
               OMPI_MCA_btl_vader_single_copy_mechanism="none")


def environment():
    """This process's environment with MPI_ENV, and without a checkpoint file
    of the caller's (JOBSTREAM_CHECKPOINT would make every program checkpoint)."""
    env = dict(os.environ)
    env.update(MPI_ENV)
    env.pop("JOBSTREAM_CHECKPOINT", None)
    return env
