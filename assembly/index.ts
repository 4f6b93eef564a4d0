/**
 * mnist-lab kernels. Every export named without "_scratch" is a task (job, tid, nt) that the host
 * runs on all threads at once over one shared memory; "_scratch" exports report the per-thread
 * scratch bytes a task needs for the job described at `job`. No Node or browser API is used here.
 */
export { conv2d_forward, conv2d_forward_scratch, conv2d_backward_input, conv2d_backward_input_scratch } from './conv2d';
export { conv2d_backward_weight, conv2d_backward_weight_scratch, reduce_partials } from './conv2d';
export { conv2d_winograd_forward, conv2d_winograd_forward_scratch, conv2d_winograd_backward_input } from './winograd';
export { conv2d_winograd_backward_input_scratch, conv2d_winograd_backward_weight, conv2d_winograd_backward_weight_scratch } from './winograd';
export { depthwise3x3_forward, depthwise3x3_forward_scratch, depthwise3x3_backward_input, depthwise3x3_backward_input_scratch } from './depthwise';
export { matmul, matmul_scratch } from './matmul';
export { batch_norm_train_forward, batch_norm_eval_forward, batch_norm_backward } from './batch-norm';
export { batch_norm_relu_dropout_forward, batch_norm_relu_dropout_backward } from './batch-norm';
export { max_pool2x2_forward, max_pool_backward, global_avg_pool_forward, global_avg_pool_backward } from './pool2d';
export { relu_forward, relu_backward, dropout_forward, dropout_uniform, multiply } from './elementwise';
export { zero_bytes } from './job';
